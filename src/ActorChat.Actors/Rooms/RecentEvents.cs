namespace ActorChat.Rooms;

/// <summary>
/// The frames that announced a room's newest events, by revision, for a client resuming with <c>rev</c>. Holds a
/// gapless run of revisions up to the newest; an incarnation recovered from a snapshot starts it empty.
/// </summary>
internal sealed class RecentEvents(int capacity)
{
    private readonly Queue<(long Rev, byte[] Frame)> _events = new();

    /// <summary>The newest revision held, or the revision the run starts after when empty.</summary>
    public long LastRev { get; private set; }

    /// <summary>Starts an empty run after <paramref name="rev"/>.</summary>
    public void StartAfter(long rev)
    {
        _events.Clear();
        LastRev = rev;
    }

    public void Add(long rev, byte[] frame)
    {
        if (rev != LastRev + 1)
            _events.Clear();
        _events.Enqueue((rev, frame));
        LastRev = rev;
        if (_events.Count > capacity)
            _events.Dequeue();
    }

    /// <summary>
    /// The frames of every event after <paramref name="rev"/>, when they are all held and fit in <paramref name="maxBytes"/>;
    /// null when the client must start over.
    /// </summary>
    public List<byte[]>? After(long rev, long maxBytes)
    {
        if (rev >= LastRev)
            return [];
        var first = _events.Count > 0 ? _events.Peek().Rev : LastRev + 1;
        if (rev + 1 < first)
            return null;
        var frames = new List<byte[]>();
        long bytes = 0;
        foreach (var (eventRev, frame) in _events)
        {
            if (eventRev <= rev)
                continue;
            bytes += frame.Length;
            if (bytes > maxBytes)
                return null;
            frames.Add(frame);
        }
        return frames;
    }
}
