using ActorChat.Connections;
using ActorChat.Protocol;
using ActorChat.Rooms;
using ActorChat.Storage;
using Akka.Actor;
using Akka.Event;

namespace ActorChat.Accounts;

/// <summary>
/// The rooms that follow the user from device to device, as one account keeps them: it lists each room the user
/// joined, was invited to, or talks in directly, bounds the invitations, and tells every connection of the user of
/// each change once it is stored.
/// </summary>
/// <remarks>
/// The list lives in the message table (a member's row per room: listed or not, its kind, its inviter), not in the
/// account's journal: a row is one statement in a transaction shared with the writes of every room and account of
/// the node, where a journal event costs a write of its own, and every user's first join of a room makes one
/// (docs/decisions/0002). The list is read from the table the first time it is needed, and kept in memory after that.
/// The account's actor routes the commands here and hands back what comes to it for the list
/// (<see cref="RoomsRead"/>, <see cref="RoomsUnreadable"/>, <see cref="ListSteps.StepDone"/>).
/// </remarks>
internal sealed class AccountRoomList
{
    public sealed record RoomsRead(IReadOnlyList<ListedRoom> Rooms);

    public sealed record RoomsUnreadable(Exception Cause);

    public sealed record ReadRoomsAgain
    {
        public static readonly ReadRoomsAgain Instance = new();
    }

    /// <summary>How long the account waits before it reads its list again after the table failed to give it.</summary>
    public static readonly TimeSpan ReadRetry = TimeSpan.FromSeconds(2);

    private readonly string _key;
    private readonly MemberRows _table;
    private readonly TimeProvider _clock;
    private readonly InvitationLimits _limits;
    private readonly IActorRef _self;
    private readonly IReadOnlyCollection<IActorRef> _connections;
    private readonly ILoggingAdapter _log;
    private readonly ListSteps _steps;

    // Null until read from the table; the commands that come meanwhile wait for it, in order.
    private AccountRooms? _rooms;
    private List<(IAccountCommand Command, IActorRef Sender)>? _waiting;
    private List<Action<IReadOnlyList<ListedRoom>>>? _whenKnown;

    /// <param name="connections">The user's open connections, as the account keeps them (a live view).</param>
    public AccountRoomList(string key, MemberRows table, TimeProvider clock, InvitationLimits limits, IActorRef self,
        IReadOnlyCollection<IActorRef> connections, ILoggingAdapter log)
    {
        _key = key;
        _table = table;
        _clock = clock;
        _limits = limits;
        _self = self;
        _connections = connections;
        _log = log;
        // A write failed: what the account holds may differ from the table, which is read again once the writes after
        // it are done (read sooner, it could miss them).
        _steps = new ListSteps(self, log, key, () => _rooms = null);
    }

    /// <summary>Handles a command about the list once the list is known; <paramref name="name"/> is the account's name as registered.</summary>
    public void Handle(IAccountCommand command, IActorRef sender, string name)
    {
        if (_rooms is { } rooms && _waiting is null)
        {
            Apply(rooms, command, sender, name);
            return;
        }
        if (_waiting is null)
        {
            _waiting = [];
            Read();
        }
        _waiting.Add((command, sender));
    }

    /// <summary>Runs <paramref name="act"/> on the rooms listed, at once when the list is known, else once it has been read.</summary>
    public void WhenKnown(Action<IReadOnlyList<ListedRoom>> act)
    {
        if (_rooms is { } rooms && _waiting is null)
        {
            act(rooms.All);
            return;
        }
        (_whenKnown ??= []).Add(act);
        if (_waiting is null)
        {
            _waiting = [];
            Read();
        }
    }

    public void OnRead(RoomsRead read, string name)
    {
        var rooms = _rooms = new AccountRooms(read.Rooms);
        var waiting = _waiting ?? [];
        _waiting = null;
        foreach (var (command, sender) in waiting)
            Apply(rooms, command, sender, name);
        var whenKnown = _whenKnown ?? [];
        _whenKnown = null;
        foreach (var act in whenKnown)
            act(rooms.All);
    }

    /// <summary>The asker of the list hears at once (its client may ask again); changes wait for the next read, which <paramref name="timers"/> schedule.</summary>
    public void OnUnreadable(RoomsUnreadable unreadable, ITimerScheduler timers)
    {
        _log.Error(unreadable.Cause, "The room list of {0} could not be read; trying again in {1}", _key, ReadRetry);
        _waiting?.RemoveAll(waiting =>
        {
            if (waiting.Command is not GetRooms)
                return false;
            waiting.Sender.Tell(new Status.Failure(unreadable.Cause));
            return true;
        });
        timers.StartSingleTimer(nameof(ReadRoomsAgain), ReadRoomsAgain.Instance, ReadRetry);
    }

    public void Read() =>
        _table.ReadListedRoomsAsync(_key, AccountRooms.MaxRooms).PipeTo(_self,
            success: listed => new RoomsRead(listed),
            failure: e => new RoomsUnreadable(e));

    public void OnStepDone(ListSteps.StepDone done) => _steps.OnDone(done);

    private void Apply(AccountRooms rooms, IAccountCommand command, IActorRef sender, string name)
    {
        switch (command)
        {
            case ListRoom { InvitedBy: { } inviter } list:
                ListInvitation(rooms, list, inviter, name);
                break;
            case ListRoom list:
                ListOwn(rooms, list);
                break;
            case UnlistRoom unlist:
                Unlist(rooms, unlist);
                break;
            case SetRoomNotify set:
                SetNotify(rooms, set);
                break;
            case GetRooms:
                // The list as it will be once the changes asked for before are stored, sent when they are.
                var all = new RoomList(rooms.All);
                _steps.Take(() => sender.Tell(all), () => sender.Tell(all), written: null);
                break;
            case CheckInvitation check:
                sender.Tell(rooms.TryGet(check.Room, out _) ? InvitationAnswer.AllowedFor(name)
                    : InvitationRefusal(rooms, check.Inviter, name) ?? InvitationAnswer.AllowedFor(name));
                break;
        }
    }

    private void ListOwn(AccountRooms rooms, ListRoom list)
    {
        var own = new ListedRoom(list.Room, list.Kind);
        if (rooms.TryGet(list.Room, out var listed))
        {
            if (listed == own)
                return;
            // The user's join takes up an invitation (it becomes the user's own room: the other devices hear so), or
            // the room's kind was not known before.
            rooms.List(own);
            Change(new RoomListChange(list.Room, list.Kind, RoomListChange.Added), null, Remember(own));
            return;
        }
        if (rooms.Count >= AccountRooms.MaxRooms)
        {
            // The user's own rooms win over invitations never taken up: the oldest of those gives way.
            if (rooms.OldestInvitation() is not { } displaced)
            {
                _log.Info("Account {0} lists {1} rooms already; {2} is not listed", _key, AccountRooms.MaxRooms, list.Room);
                return;
            }
            rooms.Unlist(displaced.Room);
            Change(new RoomListChange(displaced.Room, displaced.Kind, RoomListChange.Forgotten), null,
                _table.RememberListingAsync(displaced.Room, _key, kind: null, _clock.GetUtcNow()));
        }
        rooms.List(own);
        Change(new RoomListChange(list.Room, list.Kind, RoomListChange.Added), null, Remember(own));
    }

    // An invitation the room stored: listed unless the room is listed already or the bounds, checked before the
    // room was asked (CheckInvitation), were reached meanwhile. The user stays on the room's roster either way.
    private void ListInvitation(AccountRooms rooms, ListRoom list, string inviter, string name)
    {
        if (rooms.TryGet(list.Room, out _))
            return;
        if (InvitationRefusal(rooms, inviter, name) is { } refusal)
        {
            _log.Info("Account {0} does not list the invitation of {1} to {2}: {3}", _key, inviter, list.Room, refusal.Message);
            return;
        }
        var invitation = new ListedRoom(list.Room, list.Kind, inviter);
        rooms.List(invitation);
        Change(new RoomListChange(list.Room, list.Kind, RoomListChange.Added, InvitedBy: inviter), null, Remember(invitation));
    }

    private InvitationAnswer? InvitationRefusal(AccountRooms rooms, string inviter, string name)
    {
        // An invitation never takes the place of another room: only the user's own joins displace invitations.
        if (rooms.Count >= AccountRooms.MaxRooms)
            return new InvitationAnswer(ErrorCodes.LimitReached, $"the room list of '{name}' is full");
        if (rooms.Invitations >= _limits.MaxPending)
            return new InvitationAnswer(ErrorCodes.LimitReached, $"'{name}' has {_limits.MaxPending} invitations not taken up yet");
        if (rooms.InvitationsFrom(inviter) >= _limits.MaxPendingPerInviter)
            return new InvitationAnswer(ErrorCodes.LimitReached, $"'{name}' has not taken up your last {_limits.MaxPendingPerInviter} invitations yet");
        return null;
    }

    private void Unlist(AccountRooms rooms, UnlistRoom unlist)
    {
        if (!rooms.TryGetKind(unlist.Room, out var kind))
        {
            // Nothing to store, and nobody else to tell; the answer still waits for the changes before it.
            var answer = new RoomListChange(unlist.Room, KindOf(unlist.Room), unlist.Reason, Answer: true);
            _steps.Take(() => unlist.ReplyTo?.Tell(answer), () => unlist.ReplyTo?.Tell(answer), written: null);
            return;
        }
        rooms.Unlist(unlist.Room);
        Change(new RoomListChange(unlist.Room, kind, unlist.Reason), unlist.ReplyTo,
            _table.RememberListingAsync(unlist.Room, _key, kind: null, _clock.GetUtcNow()));
    }

    // The setting lives in the listing's row: a room forgotten and listed again starts from "all".
    private void SetNotify(AccountRooms rooms, SetRoomNotify set)
    {
        if (!rooms.TryGet(set.Room, out _))
        {
            var refusal = new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.NotJoined, $"'{set.Room}' is not in your room list", set.Room)));
            _steps.Take(() => set.ReplyTo.Tell(refusal), () => set.ReplyTo.Tell(refusal), written: null);
            return;
        }
        var change = new RoomNotifyChange(set.Room, set.Level);
        _steps.Take(
            stored: () =>
            {
                foreach (var connection in _connections)
                {
                    if (!connection.Equals(set.ReplyTo))
                        connection.Tell(change);
                }
                set.ReplyTo.Tell(change with { Answer = true });
            },
            failed: () => set.ReplyTo.Tell(new Deliver(ServerFrames.Error(new ProtocolError(
                ErrorCodes.Unavailable, "the setting could not be stored right now; try again", set.Room)))),
            _table.RememberNotifyAsync(set.Room, _key, set.Level));
    }

    private Task Remember(ListedRoom listing) =>
        _table.RememberListingAsync(listing.Room, _key, listing.Kind, _clock.GetUtcNow(), listing.InvitedBy);

    // A change of the list: once its row is stored, every connection of the user hears of it (the one that asked, as
    // the answer); if it cannot be stored, the one that asked is told so and nobody else hears of it.
    private void Change(RoomListChange change, IActorRef? replyTo, Task written) =>
        _steps.Take(
            stored: () =>
            {
                foreach (var connection in _connections)
                {
                    if (!connection.Equals(replyTo))
                        connection.Tell(change);
                }
                replyTo?.Tell(change with { Answer = true });
            },
            failed: () => replyTo?.Tell(new Deliver(ServerFrames.Error(new ProtocolError(
                ErrorCodes.Unavailable, "the room list could not be changed right now; try again", change.Room)))),
            written);

    private static RoomKind KindOf(string room) => Limits.DirectRoomUsers(room) is not null ? RoomKind.Direct : RoomKind.Public;
}
