using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>The connections in a room, whose they are and which node's hub reaches them; presence is per user.</summary>
internal sealed class RoomMembers
{
    private readonly Dictionary<IActorRef, (string User, IActorRef Hub)> _members = [];
    private readonly Dictionary<string, int> _connectionsOf = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, int> _membersBehind = [];

    public int Count => _members.Count;

    public IEnumerable<string> Users => _connectionsOf.Keys;

    /// <summary>How many users are present (a user with several connections counts once).</summary>
    public int UserCount => _connectionsOf.Count;

    /// <summary>The hubs that reach at least one member: a fan-out sends one message to each.</summary>
    public Dictionary<IActorRef, int>.KeyCollection Hubs => _membersBehind.Keys;

    public bool Contains(IActorRef connection) => _members.ContainsKey(connection);

    /// <summary>The hub that reaches the member <paramref name="connection"/>, or null when it is no member.</summary>
    public IActorRef? HubOf(IActorRef connection) => _members.TryGetValue(connection, out var member) ? member.Hub : null;

    /// <summary>The member connections of <paramref name="user"/> (named in any case: usernames are unique without it).</summary>
    public IReadOnlyList<IActorRef> ConnectionsOf(string user) =>
        _members.Where(member => string.Equals(member.Value.User, user, StringComparison.OrdinalIgnoreCase)).Select(member => member.Key).ToList();

    /// <summary>Every member connection with its user.</summary>
    public IEnumerable<(IActorRef Connection, string User)> All => _members.Select(member => (member.Key, member.Value.User));

    /// <summary>Adds the connection; true when it is its user's first in the room.</summary>
    public bool Add(IActorRef connection, string user, IActorRef hub)
    {
        if (!_members.TryAdd(connection, (user, hub)))
            return false;
        _membersBehind[hub] = _membersBehind.GetValueOrDefault(hub) + 1;
        _connectionsOf[user] = _connectionsOf.GetValueOrDefault(user) + 1;
        return _connectionsOf[user] == 1;
    }

    /// <summary>Removes the connection; returns its user when that was the user's last connection here.</summary>
    public string? Remove(IActorRef connection)
    {
        if (!_members.Remove(connection, out var member))
            return null;
        if (--_membersBehind[member.Hub] == 0)
            _membersBehind.Remove(member.Hub);
        var left = _connectionsOf[member.User] - 1;
        if (left > 0)
        {
            _connectionsOf[member.User] = left;
            return null;
        }
        _connectionsOf.Remove(member.User);
        return member.User;
    }
}
