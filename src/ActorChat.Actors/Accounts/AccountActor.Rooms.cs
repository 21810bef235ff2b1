using ActorChat.Hosting;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.Event;

namespace ActorChat.Accounts;

// The rooms that follow the user from device to device: the account lists each room the user joined, was invited
// to, or talks in directly, and tells every connection of the user of each change the moment it is stored.
public sealed partial class AccountActor
{
    /// <summary>
    /// Lists <paramref name="Room"/> for the user: told by a connection whose client joined it, and by a room that
    /// invited the user or carried a direct message to them. Listing a room already listed stores nothing.
    /// </summary>
    public sealed record ListRoom(string Username, string Room, RoomKind Kind) : IAccountCommand
    {
        public string Key => KeyOf(Username);
    }

    /// <summary>
    /// Takes <paramref name="Room"/> off the user's list, for <paramref name="Reason"/> (<see cref="RoomListChange.Forgotten"/>
    /// or <see cref="RoomListChange.Removed"/>). <paramref name="ReplyTo"/>, when set, is answered with the change (as
    /// <see cref="RoomListChange.Answer"/>), even when the room was not listed.
    /// </summary>
    public sealed record UnlistRoom(string Username, string Room, string Reason, IActorRef? ReplyTo = null) : IAccountCommand
    {
        public string Key => KeyOf(Username);
    }

    /// <summary>Asks for the user's room list: answered with <see cref="RoomList"/>.</summary>
    public sealed record GetRooms(string Username) : IAccountCommand
    {
        public string Key => KeyOf(Username);
    }

    /// <summary>The user's rooms, in the order they were listed.</summary>
    public sealed record RoomList(IReadOnlyList<ListedRoom> Rooms) : Serialization.IWireMessage;

    private readonly MessageTable _table = MessageTable.Get(Context.System);

    private void OnListRoom(ListRoom list)
    {
        // An invitation for a name nobody registered lists nothing: whoever registers it later starts with no rooms.
        if (_account is null || !_rooms.WouldList(list.Room, list.Kind))
        {
            if (_account is not null && !_rooms.TryGetKind(list.Room, out _))
                Context.GetLogger().Info("Account {0} lists {1} rooms already; {2} is not listed", _key, AccountRooms.MaxRooms, list.Room);
            return;
        }
        Persist(new RoomListed(list.Room, list.Kind, _clock.GetUtcNow()), listed =>
        {
            _rooms.Apply(listed);
            _table.RememberMembership(listed.Room, _key, listed: true);
            TellConnections(new RoomListChange(listed.Room, listed.Kind, RoomListChange.Added));
        });
    }

    private void OnUnlistRoom(UnlistRoom unlist)
    {
        if (!_rooms.TryGetKind(unlist.Room, out var kind))
        {
            unlist.ReplyTo?.Tell(new RoomListChange(unlist.Room, KindOf(unlist.Room), unlist.Reason, Answer: true));
            return;
        }
        Persist(new RoomUnlisted(unlist.Room, unlist.Reason, _clock.GetUtcNow()), unlisted =>
        {
            _rooms.Apply(unlisted);
            _table.RememberMembership(unlisted.Room, _key, listed: false);
            var change = new RoomListChange(unlisted.Room, kind, unlisted.Reason);
            TellConnections(change, except: unlist.ReplyTo);
            unlist.ReplyTo?.Tell(change with { Answer = true });
        });
    }

    private void TellConnections(RoomListChange change, IActorRef? except = null)
    {
        foreach (var connection in _connections.Keys)
        {
            if (!connection.Equals(except))
                connection.Tell(change);
        }
    }

    private static RoomKind KindOf(string room) => Protocol.Limits.DirectRoomUsers(room) is not null ? RoomKind.Direct : RoomKind.Public;
}
