using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>The connections in a room and whose they are; presence is per user, not per connection.</summary>
internal sealed class RoomMembers
{
    private readonly Dictionary<IActorRef, string> _userOf = [];
    private readonly Dictionary<string, int> _connectionsOf = new(StringComparer.Ordinal);

    public int Count => _userOf.Count;

    public IEnumerable<IActorRef> Connections => _userOf.Keys;

    public IEnumerable<string> Users => _connectionsOf.Keys;

    public IEnumerable<KeyValuePair<IActorRef, string>> All => _userOf;

    public bool Contains(IActorRef connection) => _userOf.ContainsKey(connection);

    /// <summary>Adds the connection; true when it is its user's first in the room.</summary>
    public bool Add(IActorRef connection, string user)
    {
        if (!_userOf.TryAdd(connection, user))
            return false;
        _connectionsOf[user] = _connectionsOf.GetValueOrDefault(user) + 1;
        return _connectionsOf[user] == 1;
    }

    /// <summary>Removes the connection; returns its user when that was the user's last connection here.</summary>
    public string? Remove(IActorRef connection)
    {
        if (!_userOf.Remove(connection, out var user))
            return null;
        var left = _connectionsOf[user] - 1;
        if (left > 0)
        {
            _connectionsOf[user] = left;
            return null;
        }
        _connectionsOf.Remove(user);
        return user;
    }
}
