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
    private readonly FollowedRooms _followed = new();

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
        _followed.Follow(read.Rooms);
        Send(read.Frame);
    }

    // A room the client joined goes into the user's list as the user's own, unless this connection knows it is there.
    private void ListJoined(JoinedRoom joined)
    {
        if (_followed.Joined(_user, joined) is { } listing)
            _accounts.Tell(listing);
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
        if (_followed.Changed(change) is { } frame)
            Send(frame);
        if (change.Change == RoomListChange.Forgotten && (change.Answer || _followed.Following))
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
