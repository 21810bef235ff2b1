namespace ActorChat.Connections;

/// <summary>A token bucket over a connection's incoming frames, with a count of refusals in a row.</summary>
internal sealed class FrameRateLimiter(double perSecond, int burst, TimeProvider clock)
{
    private double _tokens = burst;
    private long _refilledAt = clock.GetTimestamp();

    /// <summary>Frames refused since the last one that was let through.</summary>
    public int Strikes { get; private set; }

    public bool TryTake()
    {
        var now = clock.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + clock.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond);
        _refilledAt = now;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            Strikes = 0;
            return true;
        }
        Strikes++;
        return false;
    }
}
