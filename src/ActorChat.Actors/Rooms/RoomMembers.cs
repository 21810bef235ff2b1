using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>The connections in a room and whose they are; presence is per user, not per connection.</summary>
internal sealed class RoomMembers
{
    private readonly Dictionary<IActorRef, string> _userOf = [];
    private readonly Dictionary<string, int> _connectionsOf = new(StringComparer.Ordinal);

    // Each node's members, and an array of them that is replaced, never changed, so a fan-out can hand it on as it
    // is. Arrays are rebuilt lazily, once per fan-out after changes, so a thousand members rejoining after a
    // failover cost one rebuild, not a thousand.
    private readonly Dictionary<Address, HashSet<IActorRef>> _membersOn = [];
    private readonly Dictionary<Address, IActorRef[]> _byNode = [];
    private readonly HashSet<Address> _changed = [];

    public int Count => _userOf.Count;

    public IEnumerable<string> Users => _connectionsOf.Keys;

    public IEnumerable<KeyValuePair<IActorRef, string>> All => _userOf;

    /// <summary>The member connections grouped by the node they live on.</summary>
    public IEnumerable<KeyValuePair<Address, IActorRef[]>> ByNode
    {
        get
        {
            foreach (var node in _changed)
            {
                if (_membersOn.TryGetValue(node, out var members))
                    _byNode[node] = [.. members];
                else
                    _byNode.Remove(node);
            }
            _changed.Clear();
            return _byNode;
        }
    }

    public bool Contains(IActorRef connection) => _userOf.ContainsKey(connection);

    /// <summary>Adds the connection; true when it is its user's first in the room.</summary>
    public bool Add(IActorRef connection, string user)
    {
        if (!_userOf.TryAdd(connection, user))
            return false;
        var node = connection.Path.Address;
        if (!_membersOn.TryGetValue(node, out var onNode))
            _membersOn[node] = onNode = [];
        onNode.Add(connection);
        MarkChanged(node);
        _connectionsOf[user] = _connectionsOf.GetValueOrDefault(user) + 1;
        return _connectionsOf[user] == 1;
    }

    /// <summary>Removes the connection; returns its user when that was the user's last connection here.</summary>
    public string? Remove(IActorRef connection)
    {
        if (!_userOf.Remove(connection, out var user))
            return null;
        var node = connection.Path.Address;
        if (_membersOn.TryGetValue(node, out var onNode) && onNode.Remove(connection) && onNode.Count == 0)
            _membersOn.Remove(node);
        MarkChanged(node);
        var left = _connectionsOf[user] - 1;
        if (left > 0)
        {
            _connectionsOf[user] = left;
            return null;
        }
        _connectionsOf.Remove(user);
        return user;
    }

    private void MarkChanged(Address node) => _changed.Add(node);
}
