namespace ActorChat.Rooms;

/// <summary>Which (user, client id) pairs a room already stored, over a bounded window of its newest messages.</summary>
internal sealed class SentIds(int window)
{
    private readonly Dictionary<(string User, string Id), SentId> _byKey = [];
    private readonly Queue<(string User, string Id)> _order = new();

    public bool TryGet(string user, string id, out SentId sent) => _byKey.TryGetValue((user, id), out sent);

    public void Add(MessagePosted posted)
    {
        var key = (posted.From, posted.Id);
        if (!_byKey.TryAdd(key, new SentId(posted.Seq, posted.Timestamp)))
            return;
        _order.Enqueue(key);
        while (_order.Count > window)
            _byKey.Remove(_order.Dequeue());
    }
}

/// <summary>Where a message the room already stored sits, to answer a retry of it with the first ack.</summary>
internal readonly record struct SentId(long Seq, DateTimeOffset Timestamp);
