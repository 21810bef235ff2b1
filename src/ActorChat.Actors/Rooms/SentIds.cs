namespace ActorChat.Rooms;

/// <summary>Which (user, client id) pairs a room already stored, over a bounded window of its newest messages.</summary>
internal sealed class SentIds(int window)
{
    private readonly Dictionary<(string User, string Id), RoomSnapshot.SentId> _byKey = [];
    private readonly Queue<(string User, string Id)> _order = new();

    public bool TryGet(string user, string id, out RoomSnapshot.SentId sent) =>
        _byKey.TryGetValue((user, id), out sent!);

    public void Add(RoomSnapshot.SentId sent)
    {
        var key = (sent.User, sent.Id);
        if (!_byKey.TryAdd(key, sent))
            return;
        _order.Enqueue(key);
        while (_order.Count > window)
            _byKey.Remove(_order.Dequeue());
    }

    public IReadOnlyList<RoomSnapshot.SentId> ToList() => _order.Select(key => _byKey[key]).ToList();
}
