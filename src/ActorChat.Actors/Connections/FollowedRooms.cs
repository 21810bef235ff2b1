using ActorChat.Accounts;
using ActorChat.Protocol;
using ActorChat.Rooms;

namespace ActorChat.Connections;

/// <summary>
/// What one connection knows of the user's room list (version 2), once its client asked for it: the rooms the
/// account lists, with the inviter of each invitation not taken up. A join of a room listed as the user's own tells
/// the account nothing, and a change the connection knows of already is not told twice. A connection whose client
/// never asks (version 1) keeps nothing and hears of no change.
/// </summary>
internal sealed class FollowedRooms
{
    // Null until the client asked for the list, so that a connection that never asks costs nothing.
    private Dictionary<string, string?>? _listed;

    /// <summary>Whether the client asked for the list: only then does it hear of its changes.</summary>
    public bool Following => _listed is not null;

    /// <summary>The list as the client was just sent it: from here on the client follows it.</summary>
    public void Follow(IReadOnlyList<ListedRoom> rooms) =>
        _listed = rooms.ToDictionary(room => room.Room, room => room.InvitedBy, StringComparer.Ordinal);

    /// <summary>
    /// The listing the account is to be told of for a room the client joined: as the user's own (taking up an
    /// invitation to it); null when this connection knows it is listed so already.
    /// </summary>
    public ListRoom? Joined(string user, JoinedRoom joined)
    {
        if (_listed is { } listed)
        {
            if (listed.TryGetValue(joined.Room, out var inviter) && inviter is null)
                return null;
            listed[joined.Room] = null;
        }
        var kind = Limits.DirectRoomUsers(joined.Room) is not null ? RoomKind.Direct : joined.Private ? RoomKind.Private : RoomKind.Public;
        return new ListRoom(user, joined.Room, kind);
    }

    /// <summary>
    /// Takes in a change of the list (the answer to this client's forget, or one made elsewhere: another device, a
    /// room's owner, a direct message) and returns the <c>room</c> frame the client is to hear, if any.
    /// </summary>
    public byte[]? Changed(RoomListChange change)
    {
        bool news;
        if (change.Change != RoomListChange.Added)
            news = _listed?.Remove(change.Room) != false;
        else if (_listed is null)
            news = true;
        else
        {
            // An invitation taken up on another device is news here; the same listing again is not.
            news = !_listed.TryGetValue(change.Room, out var inviter) || inviter != change.InvitedBy;
            _listed[change.Room] = change.InvitedBy;
        }
        return (change.Answer || (news && Following)) ? ServerFrames.RoomChange(change.Room, change.Kind, change.Change, change.InvitedBy) : null;
    }
}
