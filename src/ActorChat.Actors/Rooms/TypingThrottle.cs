using System.Diagnostics;

namespace ActorChat.Rooms;

/// <summary>A client may send typing on every keystroke: the room relays one per user per interval, whatever comes.</summary>
internal sealed class TypingThrottle(TimeSpan interval)
{
    // When each present user's typing was last relayed (Stopwatch ticks); forgotten when the user leaves.
    private readonly Dictionary<string, long> _relayedAt = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="user"/>'s typing is to be relayed now.</summary>
    public bool ShouldRelay(string user)
    {
        var now = Stopwatch.GetTimestamp();
        if (_relayedAt.TryGetValue(user, out var last) && Stopwatch.GetElapsedTime(last, now) < interval)
            return false;
        _relayedAt[user] = now;
        return true;
    }

    public void Forget(string user) => _relayedAt.Remove(user);
}
