namespace ActorChat;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/>: <paramref name="burst"/> tokens at most, refilled at
/// <paramref name="perSecond"/>, with a count of refusals in a row.
/// </summary>
public sealed class TokenBucket(double perSecond, double burst, TimeProvider clock)
{
    private readonly double _burst = burst;
    private double _tokens = burst;
    private long _refilledAt = clock.GetTimestamp();

    /// <summary>Takes refused since the last one that was let through.</summary>
    public int Strikes { get; private set; }

    public bool TryTake()
    {
        Refill();
        if (_tokens >= 1)
        {
            _tokens -= 1;
            Strikes = 0;
            return true;
        }
        Strikes++;
        return false;
    }

    /// <summary>
    /// Takes <paramref name="cost"/> tokens if they are there within <paramref name="longestWait"/>: the bucket may run
    /// into debt, and <paramref name="wait"/> says how long the taker must wait before using them. False, and nothing
    /// taken, when they would come later than that.
    /// </summary>
    public bool TryReserve(double cost, TimeSpan longestWait, out TimeSpan wait)
    {
        Refill();
        wait = _tokens >= cost ? TimeSpan.Zero : TimeSpan.FromSeconds((cost - _tokens) / perSecond);
        if (wait > longestWait)
            return false;
        _tokens -= cost;
        return true;
    }

    /// <summary>Puts back <paramref name="tokens"/> taken for something that did not happen (never past full).</summary>
    public void Give(double tokens)
    {
        Refill();
        _tokens = Math.Min(_burst, _tokens + tokens);
    }

    /// <summary>How long until the bucket is full again (zero when it is).</summary>
    public TimeSpan UntilFull()
    {
        Refill();
        return TimeSpan.FromSeconds((_burst - _tokens) / perSecond);
    }

    /// <summary>How long until the next token.</summary>
    public TimeSpan UntilNext()
    {
        Refill();
        return _tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - _tokens) / perSecond);
    }

    private void Refill()
    {
        var now = clock.GetTimestamp();
        _tokens = Math.Min(_burst, _tokens + clock.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond);
        _refilledAt = now;
    }
}
