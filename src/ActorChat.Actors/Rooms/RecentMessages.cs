using ActorChat.Protocol;

namespace ActorChat.Rooms;

/// <summary>The newest messages of a room in seq order, each with its <c>message</c> frame serialized once.</summary>
internal sealed class RecentMessages(int capacity)
{
    private readonly (ChatMessage Message, byte[] Frame)[] _ring = new (ChatMessage, byte[])[Math.Max(capacity, 1)];
    private int _start;

    public int Count { get; private set; }

    /// <summary>The lowest seq still held, or one past the newest when empty.</summary>
    public long FirstSeq { get; private set; } = 1;

    public void Add(ChatMessage message, byte[] frame)
    {
        if (Count == _ring.Length)
        {
            _start = (_start + 1) % _ring.Length;
            Count--;
            FirstSeq++;
        }
        if (Count == 0)
            FirstSeq = message.Seq;
        _ring[(_start + Count) % _ring.Length] = (message, frame);
        Count++;
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
                yield return _ring[(_start + (int)(seq - FirstSeq)) % _ring.Length].Frame;
        }
    }

    /// <summary>The lowest seq in [<paramref name="from"/>, <paramref name="to"/>] whose frames up to <paramref name="to"/> fit in <paramref name="maxBytes"/>.</summary>
    public long FirstSeqWithin(long from, long to, long maxBytes)
    {
        var first = Math.Max(from, FirstSeq);
        var seq = Math.Min(to, FirstSeq + Count - 1);
        for (long bytes = 0; seq >= first; seq--)
        {
            bytes += _ring[(_start + (int)(seq - FirstSeq)) % _ring.Length].Frame.Length;
            if (bytes > maxBytes)
                break;
        }
        return seq + 1;
    }

    public IEnumerable<ChatMessage> Messages()
    {
        for (var i = 0; i < Count; i++)
            yield return _ring[(_start + i) % _ring.Length].Message;
    }
}
