using ActorChat.Rooms;
using ActorChat.Serialization;

namespace ActorChat.Accounts;

/// <summary>Journal event: a room went into the account's room list (joined, invited to, or a direct room).</summary>
public sealed record RoomListed(string Room, RoomKind Kind, DateTimeOffset At) : IStoredRecord;

/// <summary>Journal event: a room left the account's room list; <paramref name="Reason"/> is one of <see cref="RoomListChange"/>'s.</summary>
public sealed record RoomUnlisted(string Room, string Reason, DateTimeOffset At) : IStoredRecord;

/// <summary>One room of an account's list.</summary>
public readonly record struct ListedRoom(string Room, RoomKind Kind);

/// <summary>
/// A change of the user's room list, told to each of the user's connections: <see cref="Added"/>,
/// <see cref="Forgotten"/> (the user took it off the list) or <see cref="Removed"/> (a private room's owner took the
/// user off its roster). <paramref name="Answer"/>: told to the connection whose client asked for the change.
/// </summary>
public sealed record RoomListChange(string Room, RoomKind Kind, string Change, bool Answer = false) : IWireMessage
{
    public const string Added = "added";
    public const string Forgotten = "forgotten";
    public const string Removed = "removed";
}

/// <summary>
/// The rooms of one account, in the order they were listed: what the user joined, was invited to, or talks in
/// directly. Only the account changes it; each change is one journal event, and one that would change nothing is
/// not stored at all.
/// </summary>
internal sealed class AccountRooms
{
    /// <summary>The most rooms one account lists: joins past it still work, they are just not remembered.</summary>
    public const int MaxRooms = 1000;

    private readonly Dictionary<string, RoomKind> _rooms = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public int Count => _rooms.Count;

    public IReadOnlyList<ListedRoom> All => [.. _order.Select(room => new ListedRoom(room, _rooms[room]))];

    public bool TryGetKind(string room, out RoomKind kind) => _rooms.TryGetValue(room, out kind);

    /// <summary>Whether listing <paramref name="room"/> as <paramref name="kind"/> would change the list (and fit in it).</summary>
    public bool WouldList(string room, RoomKind kind) =>
        _rooms.TryGetValue(room, out var listed) ? listed != kind : _rooms.Count < MaxRooms;

    public void Apply(RoomListed listed)
    {
        if (!_rooms.ContainsKey(listed.Room))
            _order.Add(listed.Room);
        _rooms[listed.Room] = listed.Kind;
    }

    public void Apply(RoomUnlisted unlisted)
    {
        if (_rooms.Remove(unlisted.Room))
            _order.Remove(unlisted.Room);
    }
}
