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
/// <param name="InvitedBy">The inviter, as registered (in lower case when an earlier version recorded it), while the room came by an invitation the user has not taken up by joining; null for the user's own rooms.</param>
public readonly record struct ListedRoom(string Room, RoomKind Kind, string? InvitedBy = null);

/// <summary>
/// A change of the user's room list, told to each of the user's connections: <see cref="Added"/> (with
/// <paramref name="InvitedBy"/> when the room came by an invitation), <see cref="Forgotten"/> (taken off the list: by
/// the user, or to make room for the user's own) or <see cref="Removed"/> (a private room's owner took the user off its
/// roster). <paramref name="Answer"/>: told to the connection whose client asked for the change.
/// </summary>
public sealed record RoomListChange(string Room, RoomKind Kind, string Change, bool Answer = false, string? InvitedBy = null) : IWireMessage
{
    public const string Added = "added";
    public const string Forgotten = "forgotten";
    public const string Removed = "removed";
}

/// <summary>
/// The rooms of one account, in the order they were listed: what the user joined, was invited to, or talks in
/// directly. Only the account changes it, as read from the message table (see <see cref="Storage.MessageTable"/>),
/// where each change is stored as it is made. An invitation stays one until the user joins the room: the user's own
/// rooms are never displaced by invitations, and invitations are bounded (see <see cref="InvitationLimits"/>).
/// </summary>
internal sealed class AccountRooms(IEnumerable<ListedRoom> rooms)
{
    /// <summary>The most rooms one account lists: joins past it still work, they are just not remembered.</summary>
    public const int MaxRooms = 1000;

    // A list, not a dictionary: it is short, and most accounts hold a handful of rooms.
    private readonly List<ListedRoom> _rooms = [.. rooms];

    public int Count => _rooms.Count;

    public IReadOnlyList<ListedRoom> All => [.. _rooms];

    /// <summary>Invitations the user has not taken up yet.</summary>
    public int Invitations => _rooms.Count(stored => stored.InvitedBy is not null);

    /// <summary>Invitations from <paramref name="inviter"/> the user has not taken up yet.</summary>
    public int InvitationsFrom(string inviter) => _rooms.Count(stored => string.Equals(stored.InvitedBy, inviter, StringComparison.OrdinalIgnoreCase));

    public bool TryGet(string room, out ListedRoom stored)
    {
        var index = IndexOf(room);
        stored = index >= 0 ? _rooms[index] : default;
        return index >= 0;
    }

    public bool TryGetKind(string room, out RoomKind kind)
    {
        var found = TryGet(room, out var stored);
        kind = stored.Kind;
        return found;
    }

    /// <summary>The invitation listed longest ago that the user never took up, if any: the first to give way to the user's own rooms.</summary>
    public ListedRoom? OldestInvitation() =>
        _rooms.FindIndex(stored => stored.InvitedBy is not null) is var index and >= 0 ? _rooms[index] : null;

    /// <summary>Lists a room, or changes how it is listed (in place: a room keeps its place in the list).</summary>
    public void List(ListedRoom listing)
    {
        var index = IndexOf(listing.Room);
        if (index >= 0)
            _rooms[index] = listing;
        else
            _rooms.Add(listing);
    }

    public void Unlist(string room)
    {
        var index = IndexOf(room);
        if (index >= 0)
            _rooms.RemoveAt(index);
    }

    private int IndexOf(string room) => _rooms.FindIndex(stored => stored.Room == room);
}

/// <summary>
/// How far one account may invite, and be invited: <paramref name="PerHour"/> invitations an inviter may send (a
/// bucket that refills over the hour), <paramref name="MaxPending"/> invitations a user may hold that they have not
/// taken up, and <paramref name="MaxPendingPerInviter"/> of those from one inviter.
/// </summary>
public sealed record InvitationLimits(int PerHour, int MaxPending, int MaxPendingPerInviter)
{
    public static readonly InvitationLimits Default = new(100, 50, 5);
}
