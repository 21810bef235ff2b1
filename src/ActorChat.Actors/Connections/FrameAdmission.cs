using ActorChat.Protocol;

namespace ActorChat.Connections;

/// <summary>
/// The client's frames on their way in: the per-socket rate limit judges each as it arrives, and while the
/// connection waits (for its account to confirm the session, or for a photo to be attached) they queue in
/// <see cref="PendingFrames"/>. Each is answered in the order the client sent it, waiting or not: one past the
/// rate limit is handed to the connection, one refused is told so, and a client that keeps pushing past its
/// limits is closed.
/// </summary>
/// <param name="waiting">True while the connection waits and frames must queue.</param>
/// <param name="answer">What the connection does with a frame that passed the rate limit, once its turn comes.</param>
internal sealed class FrameAdmission(ConnectionSettings settings, TimeProvider clock, Func<bool> waiting, Action<ClientFrame> answer, IClientOutput client)
{
    private readonly TokenBucket _rateLimiter = new(settings.FramesPerSecond, settings.FrameBurst, clock);
    private readonly PendingFrames _pending = new(settings.FrameBurst + settings.RateLimitStrikes);

    /// <summary>A frame from the client: judged now, answered now or once the wait is over.</summary>
    public void Arrived(ClientFrame frame)
    {
        var admitted = _rateLimiter.TryTake();
        if (!admitted && _rateLimiter.Strikes >= settings.RateLimitStrikes)
            client.Close(CloseReasons.RateLimitExceeded);
        else if (!waiting() && _pending.Count == 0)
            Answer(frame, admitted);
        else if (!_pending.TryAdd(frame, admitted))
            client.Close(CloseReasons.RateLimitExceeded);
    }

    /// <summary>The wait is over: what came meanwhile is answered in order, until a frame starts another wait.</summary>
    public void WaitOver()
    {
        while (!waiting() && _pending.TryTake(out var frame, out var admitted))
            Answer(frame, admitted);
    }

    private void Answer(ClientFrame frame, bool admitted)
    {
        if (admitted)
            answer(frame);
        else
            client.SendError(ErrorCodes.RateLimited, "too many frames; slow down", frame.Reference);
    }
}
