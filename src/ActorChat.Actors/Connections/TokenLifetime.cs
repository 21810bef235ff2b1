using ActorChat.Accounts;
using ActorChat.Protocol;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// How long the connection's token lets it stay: the socket closes when the token expires, unless the client sent a
/// fresh one of the same user first (a <c>refresh</c>).
/// </summary>
internal sealed class TokenLifetime(string user, DateTimeOffset expiresAt, TokenService tokens, TimeProvider clock, IClientOutput client)
{
    public sealed record Expired : INoSerializationVerificationNeeded
    {
        public static readonly Expired Instance = new();
    }

    private ITimerScheduler _timers = null!;

    /// <summary>Starts the clock on the connection's timers.</summary>
    public void Start(ITimerScheduler timers)
    {
        _timers = timers;
        ScheduleExpiry();
    }

    /// <summary>The ticket of a valid token of this user, which now sets the expiry; null (the client told why) otherwise.</summary>
    public AuthTicket? Refresh(RefreshFrame refresh)
    {
        var ticket = tokens.Validate(refresh.Token);
        if (ticket is null || ticket.User != user)
        {
            client.SendError(ErrorCodes.Forbidden, "the token is invalid, expired, or not this user's");
            return null;
        }
        expiresAt = ticket.ExpiresAt;
        ScheduleExpiry();
        client.Send(ServerFrames.Refreshed(ticket.ExpiresAt));
        return ticket;
    }

    public void Due()
    {
        // A refresh may have raced with the timer: only a token that is really past its time closes the socket.
        if (expiresAt > clock.GetUtcNow())
            ScheduleExpiry();
        else
            client.Close(CloseReasons.TokenExpired);
    }

    private void ScheduleExpiry()
    {
        var remaining = expiresAt - clock.GetUtcNow();
        _timers.StartSingleTimer(nameof(Expired), Expired.Instance, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
    }
}
