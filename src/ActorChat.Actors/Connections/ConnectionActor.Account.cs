using ActorChat.Accounts;
using ActorChat.Protocol;
using ActorChat.Rooms;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Connections;

// The user's rooms beyond this connection (version 2): the room list kept by the account, with unread counts read
// from the message table. Rooms the client joins go into it. Once the client has asked for the list, it hears of
// every change made to it on any device. And the directory of public rooms.
public sealed partial class ConnectionActor
{
    // The rooms this connection knows the account lists, with the inviter of each invitation not taken up, once its
    // client asked for the list: a join of a room listed as the user's own tells the account nothing, and a change the
    // connection knows of already is not told twice. Null until then, so that a connection that never asks costs nothing.
    private Dictionary<string, string?>? _listed;

    // Whether the client asked for the room list: only then does it hear of its changes (a version 1 client never does).
    private bool _followsRooms;

    private static MessageTable Table => MessageTable.Get(Context.System);

    private void OnRoomsFrame()
    {
        var accounts = _accounts;
        var user = _user;
        var timeout = _settings.RetryInterval;
        var table = Table;
        ReadRoomsAsync().PipeTo(Self,
            success: read => read,
            failure: _ => new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "the room list could not be read right now; ask again"))));

        async Task<RoomsRead> ReadRoomsAsync()
        {
            var list = await accounts.Ask<RoomList>(new GetRooms(user), timeout).ConfigureAwait(false);
            var states = await table.ReadRoomStatesAsync(RoomAccess.Key(user), [.. list.Rooms.Select(room => room.Room)]).ConfigureAwait(false);
            return new RoomsRead(list.Rooms, ServerFrames.Rooms([.. list.Rooms.Select(room => new RoomSummary(room.Room, room.Kind, states[room.Room], room.InvitedBy))]));
        }
    }

    private void OnRoomsRead(RoomsRead read)
    {
        _listed = read.Rooms.ToDictionary(room => room.Room, room => room.InvitedBy, StringComparer.Ordinal);
        _followsRooms = true;
        Send(read.Frame);
    }

    // A room the client joined goes into the user's list as the user's own (taking up an invitation to it), unless this
    // connection knows it is there so already. Only a connection that follows the list keeps a map of its own; the
    // account drops a listing it has already.
    private void ListJoined(JoinedRoom joined)
    {
        if (_listed is { } listed)
        {
            if (listed.TryGetValue(joined.Room, out var inviter) && inviter is null)
                return;
            listed[joined.Room] = null;
        }
        var kind = Limits.DirectRoomUsers(joined.Room) is not null ? RoomKind.Direct : joined.Private ? RoomKind.Private : RoomKind.Public;
        _accounts.Tell(new ListRoom(_user, joined.Room, kind));
    }

    // Answered by the account, with a room frame, once the room is off the list.
    private void OnForget(ForgetFrame forget)
    {
        LeaveIfJoined(forget.Room);
        _accounts.Tell(new UnlistRoom(_user, forget.Room, RoomListChange.Forgotten, Self));
    }

    // A change of the list: the answer to this client's forget, or one made elsewhere (another device, a room's
    // owner, a direct message). A client following the list hears it, and a room forgotten elsewhere is left here
    // too; a member removed from a private room is put out by the room itself.
    private void OnRoomListChange(RoomListChange change)
    {
        bool changed;
        if (change.Change != RoomListChange.Added)
            changed = _listed?.Remove(change.Room) != false;
        else if (_listed is null)
            changed = true;
        else
        {
            // An invitation taken up on another device is news here; the same listing again is not.
            changed = !_listed.TryGetValue(change.Room, out var inviter) || inviter != change.InvitedBy;
            _listed[change.Room] = change.InvitedBy;
        }
        if (!change.Answer && !_followsRooms)
            return;
        if (change.Answer || changed)
            Send(ServerFrames.RoomChange(change.Room, change.Kind, change.Change, change.InvitedBy));
        if (change.Change == RoomListChange.Forgotten)
            LeaveIfJoined(change.Room);
    }

    private void LeaveIfJoined(string room)
    {
        if (!_joined.Remove(room, out var session))
            return;
        if (session.Incarnation is not null)
            Context.Unwatch(session.Incarnation);
        _rooms.Tell(new Leave(room, _user));
    }

    private void OnDirectoryFrame(DirectoryFrame directory)
    {
        var prefix = directory.Prefix;
        // One more than asked for says whether there is a next page.
        Table.ReadDirectoryAsync(prefix, directory.After, directory.Limit + 1).PipeTo(Self,
            success: rooms => new Deliver(ServerFrames.Directory(prefix, [.. rooms.Take(directory.Limit)],
                rooms.Count > directory.Limit ? rooms[directory.Limit - 1].Room : null)),
            failure: _ => new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "the directory could not be read right now; ask again", prefix))));
    }

    /// <summary>The user's room list with its <c>rooms</c> frame, on its way back to the connection.</summary>
    private sealed record RoomsRead(IReadOnlyList<ListedRoom> Rooms, byte[] Frame) : INoSerializationVerificationNeeded;
}
