using ActorChat.Accounts;
using ActorChat.Connections;
using ActorChat.Diagnostics;
using ActorChat.Host.Auth;
using ActorChat.Host.Sockets;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Options;

namespace ActorChat.Host.Endpoints;

/// <summary><c>GET /ws</c>: checks the credential and the origin before the upgrade, then runs the socket.</summary>
public static class ChatSocketEndpoint
{
    public const string Path = "/ws";

    public static void MapChatSocket(this IEndpointRouteBuilder app) => app.Map(Path, HandleAsync);

    private static async Task HandleAsync(HttpContext context, ActorSystem system, IRequiredActor<RoomActor> rooms,
        IRequiredActor<AccountActor> accounts, SessionGuard sessions, TokenService tokens, IOptions<AuthSettings> auth, IOptions<ConnectionSettings> limits,
        IHostApplicationLifetime lifetime, ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var ticket = Credentials.Authenticate(context, tokens);
        if (ticket is null)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        if (!Credentials.IsAllowedOrigin(context, auth.Value))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        // A signed-out session is no credential. Decided on what this node knows, without a round trip: when it knows
        // nothing of the account, the socket opens and its frames wait until the account has confirmed the session.
        var known = sessions.Known(ticket);
        if (known == SessionStatus.SignedOut)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var settings = limits.Value;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = settings.KeepAliveInterval,
            KeepAliveTimeout = settings.KeepAliveTimeout,
        });
        ChatMetrics.OpenConnections.Add(1);
        try
        {
            var session = Guid.NewGuid().ToString("N");
            var outbox = new Outbox(settings.OutboxFrames, settings.OutboxBytes);
            var connection = system.ActorOf(
                ConnectionActor.PropsFor(ticket, session, outbox, rooms.ActorRef, accounts.ActorRef, tokens, settings,
                    sessionConfirmed: known == SessionStatus.Valid), "connection-" + session);
            var logger = loggers.CreateLogger<ChatSocket>();
            await new ChatSocket(socket, connection, outbox, settings.MaxFrameBytes, logger).RunAsync(lifetime.ApplicationStopping);
        }
        finally
        {
            ChatMetrics.OpenConnections.Add(-1);
        }
    }
}
