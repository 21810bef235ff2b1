using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace ActorChat.Rooms;

/// <summary>
/// Which (user, client id) pairs a room already stored, over a bounded window of its newest events.
/// </summary>
/// <remarks>
/// A busy room holds the whole window, so each entry is kept small: the pair is remembered as its 128-bit
/// xxHash, not as two strings, with the seq and time of the message it was stored as, and the order of arrival
/// is a ring that grows to the window and no further. Two different pairs in one room's window would have to
/// share all 128 bits to be confused, which for a window of 10,000 ids happens with a probability near 10^-31.
/// </remarks>
internal sealed class SentIds(int window)
{
    private const int StackLimit = 512;

    private readonly Dictionary<Key, SentId> _byKey = [];
    private Key[] _order = [];
    private int _oldest;

    public int Count => _byKey.Count;

    public bool TryGet(string user, string id, out SentId sent) => _byKey.TryGetValue(KeyOf(user, id), out sent);

    public void Add(MessagePosted posted, long rev) => Add(posted.From, posted.Id, new SentId(posted.Seq, rev, posted.Timestamp.UtcTicks));

    /// <summary>Remembers that the frame <paramref name="id"/> of <paramref name="user"/> was stored as <paramref name="sent"/>.</summary>
    public void Add(string user, string id, SentId sent)
    {
        var key = KeyOf(user, id);
        if (!_byKey.TryAdd(key, sent))
            return;
        if (_byKey.Count <= window)
        {
            if (_byKey.Count > _order.Length)
                Array.Resize(ref _order, (int)Math.Min(Math.Max(16L, _order.Length * 2L), window));
            _order[_byKey.Count - 1] = key;
            return;
        }
        // Full: the newest takes the oldest's place in the ring.
        _byKey.Remove(_order[_oldest]);
        _order[_oldest] = key;
        _oldest = (_oldest + 1) % _order.Length;
    }

    // The user's length goes first, so no two pairs hash the same input ("ab" + "c" against "a" + "bc").
    private static Key KeyOf(string user, string id)
    {
        var length = sizeof(int) + (user.Length + id.Length) * sizeof(char);
        Span<byte> input = length <= StackLimit ? stackalloc byte[length] : new byte[length];
        MemoryMarshal.Write(input, user.Length);
        MemoryMarshal.AsBytes(user.AsSpan()).CopyTo(input[sizeof(int)..]);
        MemoryMarshal.AsBytes(id.AsSpan()).CopyTo(input[(sizeof(int) + user.Length * sizeof(char))..]);
        var hash = XxHash128.HashToUInt128(input);
        return new Key((ulong)hash, (ulong)(hash >> 64));
    }

    // Two longs rather than a UInt128, whose 16-byte alignment would pad every dictionary entry by 8 bytes.
    private readonly struct Key(ulong low, ulong high) : IEquatable<Key>
    {
        private readonly ulong _low = low;
        private readonly ulong _high = high;

        public bool Equals(Key other) => _low == other._low && _high == other._high;

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        // Already a hash: any 32 bits of it spread as well as a combination would.
        public override int GetHashCode() => (int)_low;
    }
}

/// <summary>Where a frame the room already stored went (the message, the revision), to answer a retry of it with the first ack.</summary>
internal readonly record struct SentId(long Seq, long Rev, long UtcTicks)
{
    public DateTimeOffset Timestamp => new(UtcTicks, TimeSpan.Zero);
}
