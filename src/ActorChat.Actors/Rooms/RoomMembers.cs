using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>The connections in a room and whose they are; presence is per user, not per connection.</summary>
internal sealed class RoomMembers
{
    private readonly Dictionary<IActorRef, string> _userOf = [];
    private readonly Dictionary<string, int> _connectionsOf = new(StringComparer.Ordinal);

    // Each node's members as an array that is replaced, never changed, so a fan-out can hand it on as it is.
    private readonly Dictionary<Address, IActorRef[]> _byNode = [];

    public int Count => _userOf.Count;

    public IEnumerable<IActorRef> Connections => _userOf.Keys;

    public IEnumerable<string> Users => _connectionsOf.Keys;

    public IEnumerable<KeyValuePair<IActorRef, string>> All => _userOf;

    /// <summary>The member connections grouped by the node they live on.</summary>
    public IEnumerable<KeyValuePair<Address, IActorRef[]>> ByNode => _byNode;

    public bool Contains(IActorRef connection) => _userOf.ContainsKey(connection);

    /// <summary>Adds the connection; true when it is its user's first in the room.</summary>
    public bool Add(IActorRef connection, string user)
    {
        if (!_userOf.TryAdd(connection, user))
            return false;
        RegroupNode(connection.Path.Address);
        _connectionsOf[user] = _connectionsOf.GetValueOrDefault(user) + 1;
        return _connectionsOf[user] == 1;
    }

    /// <summary>Removes the connection; returns its user when that was the user's last connection here.</summary>
    public string? Remove(IActorRef connection)
    {
        if (!_userOf.Remove(connection, out var user))
            return null;
        RegroupNode(connection.Path.Address);
        var left = _connectionsOf[user] - 1;
        if (left > 0)
        {
            _connectionsOf[user] = left;
            return null;
        }
        _connectionsOf.Remove(user);
        return user;
    }

    private void RegroupNode(Address node)
    {
        var members = _userOf.Keys.Where(c => c.Path.Address.Equals(node)).ToArray();
        if (members.Length == 0)
            _byNode.Remove(node);
        else
            _byNode[node] = members;
    }
}
