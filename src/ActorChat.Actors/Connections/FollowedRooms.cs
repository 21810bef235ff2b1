using ActorChat.Accounts;
using ActorChat.Protocol;
using ActorChat.Rooms;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// The user's rooms beyond this connection (version 2): the room list kept by the account, with unread counts read
/// from the message table, and the directory of public rooms. Once its client asked for the list, the connection
/// knows the rooms the account lists, with the inviter of each invitation not taken up, and the client hears of
/// every change made to it on any device; a join of a room listed as the user's own tells the account nothing, and a
/// change known already is not told twice. A connection whose client never asks (version 1) keeps nothing and hears
/// of no change.
/// </summary>
internal sealed class FollowedRooms(string user, IActorRef accounts, TimeSpan askTimeout, ActorSystem system, ConnectionRooms rooms, IClientOutput client)
{
    /// <summary>The user's room list with its <c>rooms</c> frame, on its way back to the connection.</summary>
    public sealed record Read(IReadOnlyList<ListedRoom> Rooms, byte[] Frame) : INoSerializationVerificationNeeded;

    // Null until the client asked for the list, so that a connection that never asks costs nothing.
    private Dictionary<string, string?>? _listed;

    private MemberRows Table => MessageTable.Get(system).Members;

    /// <summary>Whether the client asked for the list: only then does it hear of its changes.</summary>
    public bool Following => _listed is not null;

    /// <summary>Reads the list and its unread counts; the answer comes to <paramref name="connection"/> as <see cref="Read"/>.</summary>
    public void Ask(IActorRef connection)
    {
        var (table, key) = (Table, RoomAccess.Key(user));
        ReadAsync().PipeTo(connection,
            success: read => read,
            failure: _ => new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "the room list could not be read right now; ask again"))));

        async Task<Read> ReadAsync()
        {
            var list = await accounts.Ask<RoomList>(new GetRooms(user), askTimeout).ConfigureAwait(false);
            var states = await table.ReadRoomStatesAsync(key, [.. list.Rooms.Select(room => room.Room)]).ConfigureAwait(false);
            return new Read(list.Rooms, ServerFrames.Rooms([.. list.Rooms.Select(room => new RoomSummary(room.Room, room.Kind, states[room.Room], room.InvitedBy))]));
        }
    }

    /// <summary>The list as the client is sent it now: from here on the client follows it.</summary>
    public void Follow(Read read)
    {
        _listed = read.Rooms.ToDictionary(room => room.Room, room => room.InvitedBy, StringComparer.Ordinal);
        client.Send(read.Frame);
    }

    /// <summary>
    /// A room the client joined goes into the user's list as the user's own (taking up an invitation to it), unless
    /// this connection knows it is listed so already.
    /// </summary>
    public void Joined(JoinedRoom joined)
    {
        if (_listed is { } listed)
        {
            if (listed.TryGetValue(joined.Room, out var inviter) && inviter is null)
                return;
            listed[joined.Room] = null;
        }
        var kind = Limits.DirectRoomUsers(joined.Room) is not null ? RoomKind.Direct : joined.Private ? RoomKind.Private : RoomKind.Public;
        accounts.Tell(new ListRoom(user, joined.Room, kind));
    }

    /// <summary>
    /// Takes the room off the list: the account answers <paramref name="connection"/>, with a room frame, once it is
    /// off the list, and only then does this connection leave the room (<see cref="Changed"/>), so that the client
    /// hears <c>room</c> before <c>left</c>, as every other device does, and stays in a room that stays listed.
    /// </summary>
    public void Forget(ForgetFrame forget, IActorRef connection) =>
        accounts.Tell(new UnlistRoom(user, forget.Room, RoomListChange.Forgotten, connection));

    /// <summary>Asks the account to store the user's setting for a room; it answers <paramref name="connection"/> once stored.</summary>
    public void SetNotify(NotifyFrame notify, IActorRef connection) =>
        accounts.Tell(new SetRoomNotify(user, notify.Room, notify.Level, connection));

    /// <summary>The user's setting for a room changed: the answer to this client, or news to a client following the list.</summary>
    public void NotifyChanged(RoomNotifyChange change)
    {
        if (change.Answer || Following)
            client.Send(ServerFrames.Notify(change.Room, change.Level));
    }

    /// <summary>
    /// A change of the list: the answer to this client's forget, or one made elsewhere (another device, a room's
    /// owner, a direct message). A client following the list hears it, and a room forgotten elsewhere is left here
    /// too; a member removed from a private room is put out by the room itself.
    /// </summary>
    public void Changed(RoomListChange change)
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
        if (change.Answer || (news && Following))
            client.Send(ServerFrames.RoomChange(change.Room, change.Kind, change.Change, change.InvitedBy));
        if (change.Change == RoomListChange.Forgotten && (change.Answer || Following))
            rooms.LeaveIfJoined(change.Room);
    }

    /// <summary>A page of the public rooms whose names start with the prefix; it comes to <paramref name="connection"/> as a frame.</summary>
    public void Directory(DirectoryFrame directory, IActorRef connection)
    {
        var prefix = directory.Prefix;
        // One more than asked for says whether there is a next page.
        Table.ReadDirectoryAsync(prefix, directory.After, directory.Limit + 1).PipeTo(connection,
            success: found => new Deliver(ServerFrames.Directory(prefix, [.. found.Take(directory.Limit)],
                found.Count > directory.Limit ? found[directory.Limit - 1].Room : null)),
            failure: _ => new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "the directory could not be read right now; ask again", prefix))));
    }
}
