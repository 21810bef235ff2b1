namespace ActorChat.Load;

/// <summary>What one receiver got from one sender of its room: a bit per sequence number.</summary>
internal sealed class ReceiptLog(int capacity)
{
    private readonly ulong[] _seen = new ulong[(capacity + 63) / 64];
    private int _highest = -1;

    public bool Seen(int n) => (uint)n < (uint)capacity && (Volatile.Read(ref _seen[n >> 6]) & (1UL << n)) != 0;

    /// <summary>Notes message n; only the receiver's own receive loop calls this.</summary>
    public Receipt Record(int n)
    {
        if ((uint)n >= (uint)capacity)
            return Receipt.Unknown;
        ref var word = ref _seen[n >> 6];
        if ((word & (1UL << n)) != 0)
            return Receipt.Duplicate;
        Volatile.Write(ref word, word | (1UL << n));
        if (n < _highest)
            return Receipt.OutOfOrder;
        _highest = n;
        return Receipt.InOrder;
    }
}

internal enum Receipt
{
    InOrder,
    OutOfOrder,
    Duplicate,
    Unknown,
}
