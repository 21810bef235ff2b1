using ActorChat.Hosting;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.Event;

namespace ActorChat.Accounts;

// The rooms that follow the user from device to device: the account lists each room the user joined, was invited
// to, or talks in directly, and tells every connection of the user of each change once it is stored.
//
// The list lives in the message table (a member's row per room: listed or not, read up to where), not in the
// account's journal: a row is one statement in a transaction shared with the writes of every room and account of
// the node, where a journal event costs a write of its own, and every user's first join of a room makes one. The
// account reads its list from the table the first time it is asked about it, and keeps it in memory after that.
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

    private sealed record RoomsRead(IReadOnlyList<ListedRoom> Rooms);

    private sealed record RoomsUnreadable(Exception Cause);

    // A change of the list whose row is being written: its connections hear of it once it is stored, in the order
    // the changes were made (two writes can complete together). One that changed nothing is only answered.
    private sealed record PendingChange(RoomListChange Change, IActorRef? ReplyTo, bool Changed)
    {
        public bool Done { get; set; }

        public bool Stored { get; set; }
    }

    private sealed record ChangeStored(PendingChange Pending);

    private sealed record ChangeFailed(PendingChange Pending, Exception Cause);

    private readonly MessageTable _table = MessageTable.Get(Context.System);

    // Null until read from the table; the commands that come meanwhile wait for it, in order.
    private AccountRooms? _rooms;
    private List<(IAccountCommand Command, IActorRef Sender)>? _waitingForRooms;
    private readonly Queue<PendingChange> _pendingChanges = new();

    private void RoomCommands()
    {
        Command<ListRoom>(list =>
        {
            // An invitation for a name nobody registered lists nothing: whoever registers it later starts with no rooms.
            if (_account is not null)
                WithRooms(list, rooms => OnListRoom(rooms, list));
        });
        Command<UnlistRoom>(unlist => WithRooms(unlist, rooms => OnUnlistRoom(rooms, unlist)));
        Command<GetRooms>(get => WithRooms(get, rooms => Sender.Tell(new RoomList(rooms.All))));
        Command<RoomsRead>(read => RoomsReady(new AccountRooms(read.Rooms)));
        Command<RoomsUnreadable>(unreadable =>
        {
            Context.GetLogger().Error(unreadable.Cause, "The room list of {0} could not be read", _key);
            var waiting = _waitingForRooms ?? [];
            _waitingForRooms = null;
            foreach (var (command, sender) in waiting)
            {
                if (command is GetRooms)
                    sender.Tell(new Status.Failure(unreadable.Cause));
            }
        });
        Command<ChangeStored>(stored =>
        {
            stored.Pending.Done = stored.Pending.Stored = true;
            TellStoredChanges();
        });
        Command<ChangeFailed>(failed =>
        {
            // Nobody hears of it, and what the account holds in memory may now differ from the table: the list is
            // read again when next needed.
            Context.GetLogger().Error(failed.Cause, "A change of the room list of {0} could not be stored: {1} {2}", _key, failed.Pending.Change.Change, failed.Pending.Change.Room);
            failed.Pending.Done = true;
            _rooms = null;
            TellStoredChanges();
        });
    }

    private void WithRooms(IAccountCommand command, Action<AccountRooms> handle)
    {
        if (_rooms is { } rooms && _waitingForRooms is null)
        {
            handle(rooms);
            return;
        }
        if (_waitingForRooms is null)
        {
            _waitingForRooms = [];
            _table.ReadListedRoomsAsync(_key, AccountRooms.MaxRooms).PipeTo(Self,
                success: listed => new RoomsRead(listed),
                failure: e => new RoomsUnreadable(e));
        }
        _waitingForRooms.Add((command, Sender));
    }

    private void RoomsReady(AccountRooms rooms)
    {
        _rooms = rooms;
        var waiting = _waitingForRooms ?? [];
        _waitingForRooms = null;
        foreach (var (command, sender) in waiting)
        {
            switch (command)
            {
                case ListRoom list:
                    OnListRoom(rooms, list);
                    break;
                case UnlistRoom unlist:
                    OnUnlistRoom(rooms, unlist);
                    break;
                case GetRooms:
                    sender.Tell(new RoomList(rooms.All));
                    break;
            }
        }
    }

    private void OnListRoom(AccountRooms rooms, ListRoom list)
    {
        if (!rooms.WouldList(list.Room, list.Kind))
        {
            if (!rooms.TryGetKind(list.Room, out _))
                Context.GetLogger().Info("Account {0} lists {1} rooms already; {2} is not listed", _key, AccountRooms.MaxRooms, list.Room);
            return;
        }
        rooms.List(new ListedRoom(list.Room, list.Kind));
        Store(new RoomListChange(list.Room, list.Kind, RoomListChange.Added), null,
            _table.RememberListingAsync(list.Room, _key, listed: true, _clock.GetUtcNow()));
    }

    private void OnUnlistRoom(AccountRooms rooms, UnlistRoom unlist)
    {
        if (!rooms.TryGetKind(unlist.Room, out var kind))
        {
            // Nothing to store, but the answer still waits for the changes before it.
            Store(new RoomListChange(unlist.Room, KindOf(unlist.Room), unlist.Reason), unlist.ReplyTo, written: null);
            return;
        }
        rooms.Unlist(unlist.Room);
        Store(new RoomListChange(unlist.Room, kind, unlist.Reason), unlist.ReplyTo,
            _table.RememberListingAsync(unlist.Room, _key, listed: false, _clock.GetUtcNow()));
    }

    // written: the row's write, or null for a change that changed nothing and stores nothing.
    private void Store(RoomListChange change, IActorRef? replyTo, Task? written)
    {
        var pending = new PendingChange(change, replyTo, Changed: written is not null) { Done = written is null, Stored = written is null };
        _pendingChanges.Enqueue(pending);
        if (written is null)
            TellStoredChanges();
        else
            written.PipeTo(Self, success: () => new ChangeStored(pending), failure: e => new ChangeFailed(pending, e));
    }

    private void TellStoredChanges()
    {
        while (_pendingChanges.TryPeek(out var next) && next.Done)
        {
            _pendingChanges.Dequeue();
            if (!next.Stored)
                continue;
            if (next.Changed)
                TellConnections(next.Change, except: next.ReplyTo);
            next.ReplyTo?.Tell(next.Change with { Answer = true });
        }
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
