using ActorChat.Rooms;
using ActorChat.Serialization;

namespace ActorChat.Accounts;

// Written by earlier versions, which kept the list in the account's journal; an account recovering from such a
// journal reads past them: every listing they record is also a row of the message table, which now keeps the list.

/// <summary>Journal event of earlier versions: a room went into the account's room list.</summary>
public sealed record RoomListed(string Room, RoomKind Kind, DateTimeOffset At) : IStoredRecord;

/// <summary>Journal event of earlier versions: a room left the account's room list.</summary>
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
/// directly. Only the account changes it, as read from the message table (see <see cref="Hosting.MessageTable"/>),
/// where each change is stored as it is made.
/// </summary>
internal sealed class AccountRooms(IEnumerable<ListedRoom> rooms)
{
    /// <summary>The most rooms one account lists: joins past it still work, they are just not remembered.</summary>
    public const int MaxRooms = 1000;

    // A list, not a dictionary: it is short, and most accounts hold a handful of rooms.
    private readonly List<ListedRoom> _rooms = [.. rooms];

    public int Count => _rooms.Count;

    public IReadOnlyList<ListedRoom> All => [.. _rooms];

    public bool TryGetKind(string room, out RoomKind kind)
    {
        var index = IndexOf(room);
        kind = index >= 0 ? _rooms[index].Kind : default;
        return index >= 0;
    }

    /// <summary>Whether listing <paramref name="room"/> as <paramref name="kind"/> would change the list (and fit in it).</summary>
    public bool WouldList(string room, RoomKind kind) =>
        TryGetKind(room, out var listed) ? listed != kind : Count < MaxRooms;

    public void List(ListedRoom listed)
    {
        var index = IndexOf(listed.Room);
        if (index >= 0)
            _rooms[index] = listed;
        else
            _rooms.Add(listed);
    }

    public void Unlist(string room)
    {
        var index = IndexOf(room);
        if (index >= 0)
            _rooms.RemoveAt(index);
    }

    private int IndexOf(string room) => _rooms.FindIndex(listed => listed.Room == room);
}
