using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace ActorChat.Rooms;

/// <summary>
/// Which (user, client id) pairs a room already stored, over a bounded window of its newest messages.
/// </summary>
/// <remarks>
/// A busy room holds the whole window, so each entry is kept small: the pair is remembered as its 128-bit
/// xxHash, not as two strings, with the seq and time of the message it was stored as. That is about 60 bytes per
/// id instead of about 130. Two different pairs in one room's window would have to share all 128 bits to be
/// confused, which for a window of 10,000 ids happens with a probability near 10^-31.
/// </remarks>
internal sealed class SentIds(int window)
{
    private const int StackLimit = 512;

    private readonly Dictionary<UInt128, SentId> _byKey = [];
    private readonly Queue<UInt128> _order = new();

    public int Count => _byKey.Count;

    public bool TryGet(string user, string id, out SentId sent) => _byKey.TryGetValue(KeyOf(user, id), out sent);

    public void Add(MessagePosted posted)
    {
        var key = KeyOf(posted.From, posted.Id);
        if (!_byKey.TryAdd(key, new SentId(posted.Seq, posted.Timestamp.UtcTicks)))
            return;
        _order.Enqueue(key);
        while (_order.Count > window)
            _byKey.Remove(_order.Dequeue());
    }

    // The user's length goes first, so no two pairs hash the same input ("ab" + "c" against "a" + "bc").
    private static UInt128 KeyOf(string user, string id)
    {
        var length = sizeof(int) + (user.Length + id.Length) * sizeof(char);
        Span<byte> input = length <= StackLimit ? stackalloc byte[length] : new byte[length];
        MemoryMarshal.Write(input, user.Length);
        MemoryMarshal.AsBytes(user.AsSpan()).CopyTo(input[sizeof(int)..]);
        MemoryMarshal.AsBytes(id.AsSpan()).CopyTo(input[(sizeof(int) + user.Length * sizeof(char))..]);
        return XxHash128.HashToUInt128(input);
    }
}

/// <summary>Where a message the room already stored sits, to answer a retry of it with the first ack.</summary>
internal readonly record struct SentId(long Seq, long UtcTicks)
{
    public DateTimeOffset Timestamp => new(UtcTicks, TimeSpan.Zero);
}
