namespace ActorChat.Rooms;

/// <summary>A room's newest messages in seq order, in their current state, each frame serialized once per change.</summary>
/// <remarks>The ring grows with the room up to its capacity, so a quiet room does not hold a full-size array.</remarks>
internal sealed class RecentMessages(int capacity)
{
    private MessageState[] _ring = [];
    private int _start;

    public int Count { get; private set; }

    public int Capacity { get; } = Math.Max(capacity, 1);

    /// <summary>The lowest seq still held, or one past the newest when empty.</summary>
    public long FirstSeq { get; private set; } = 1;

    /// <summary>Adds <paramref name="message"/>, the next after the newest held.</summary>
    public void Add(MessageState message)
    {
        var seq = message.Seq;
        if (Count == _ring.Length && _ring.Length < Capacity)
            Grow();
        if (Count == _ring.Length)
        {
            _start = (_start + 1) % _ring.Length;
            Count--;
            FirstSeq++;
        }
        if (Count == 0)
            FirstSeq = seq;
        _ring[(_start + Count) % _ring.Length] = message;
        Count++;
    }

    /// <summary>The message at <paramref name="seq"/>, when it is held.</summary>
    public bool TryGet(long seq, out MessageState message)
    {
        if (seq >= FirstSeq && seq < FirstSeq + Count)
        {
            message = At(seq);
            return true;
        }
        message = null!;
        return false;
    }

    /// <summary>True when every seq in [<paramref name="from"/>, newest] is held.</summary>
    public bool Covers(long from) => from >= FirstSeq;

    /// <summary>The frames of messages with seq in [<paramref name="from"/>, <paramref name="to"/>] that are held, but for <paramref name="skip"/>.</summary>
    public IEnumerable<byte[]> Frames(long from, long to, IReadOnlySet<long>? skip = null)
    {
        var first = Math.Max(from, FirstSeq);
        var last = Math.Min(to, FirstSeq + Count - 1);
        for (var seq = first; seq <= last; seq++)
        {
            if (skip is null || !skip.Contains(seq))
                yield return At(seq).Frame;
        }
    }

    /// <summary>The lowest seq in [<paramref name="from"/>, <paramref name="to"/>] whose frames up to <paramref name="to"/> fit in <paramref name="maxBytes"/>.</summary>
    public long FirstSeqWithin(long from, long to, long maxBytes)
    {
        var first = Math.Max(from, FirstSeq);
        var seq = Math.Min(to, FirstSeq + Count - 1);
        for (long bytes = 0; seq >= first; seq--)
        {
            bytes += At(seq).Frame.Length;
            if (bytes > maxBytes)
                break;
        }
        return seq + 1;
    }

    private void Grow()
    {
        var grown = new MessageState[Math.Min(Capacity, Math.Max(16, _ring.Length * 2))];
        for (var i = 0; i < Count; i++)
            grown[i] = _ring[(_start + i) % _ring.Length];
        _ring = grown;
        _start = 0;
    }

    private MessageState At(long seq) => _ring[(_start + (int)(seq - FirstSeq)) % _ring.Length];
}
