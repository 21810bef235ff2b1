using ActorChat.Diagnostics;
using ActorChat.Protocol;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.Hosting;
using OpenTelemetry.Metrics;

namespace ActorChat.Host.Management;

/// <summary>
/// What the management listener serves: <c>GET /metrics</c>, <c>GET /cluster</c>, <c>GET /rooms/{room}/node</c>, and the
/// operator console (<see cref="ConsoleEndpoints"/>).
/// </summary>
public static class ManagementEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    /// <param name="app">The management listener's routes.</param>
    /// <param name="chat">The chat application's services: its metrics and its actors.</param>
    public static void MapManagementEndpoints(this IEndpointRouteBuilder app, IServiceProvider chat)
    {
        app.MapPrometheusScrapingEndpoint("/metrics", chat.GetRequiredService<MeterProvider>(), configureBranchedPipeline: null, optionsName: null);
        ChatMetrics.StartAtZero();
        app.MapGet("/cluster", () => Results.Json(ClusterView.Of(chat.GetRequiredService<ActorSystem>())));
        app.MapGet("/rooms/{room}/node", (string room, CancellationToken cancellationToken) =>
            WhereIsAsync(room, chat.GetRequiredService<IRequiredActor<RoomActor>>(), cancellationToken));
        app.MapOperatorConsole(chat);
    }

    /// <summary>
    /// Which node runs <paramref name="room"/>, asked of the room itself through the shard region. A room that is not
    /// running is started by the question (and stops again after its idle timeout), so the answer is where it runs now.
    /// </summary>
    private static async Task<IResult> WhereIsAsync(string room, IRequiredActor<RoomActor> rooms, CancellationToken cancellationToken)
    {
        if (!Limits.IsValidRoom(room))
            return Results.Json(new { error = "invalid_room" }, statusCode: StatusCodes.Status400BadRequest);
        try
        {
            var location = await rooms.ActorRef.Ask<RoomLocation>(new WhereAreYou(room), AskTimeout, cancellationToken);
            return Results.Json(new { room = location.Room, node = location.Node });
        }
        catch (AskTimeoutException)
        {
            // The room's node is lost and the cluster has not moved its rooms yet.
            return Results.Json(new { error = "unavailable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
