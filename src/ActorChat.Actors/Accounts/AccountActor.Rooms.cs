using ActorChat.Rooms;
using ActorChat.Storage;
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
    private sealed record RoomsRead(IReadOnlyList<ListedRoom> Rooms);

    private sealed record RoomsUnreadable(Exception Cause);

    private sealed record ReadRoomsAgain
    {
        public static readonly ReadRoomsAgain Instance = new();
    }

    /// <summary>How long the account waits before it reads its list again after the table failed to give it.</summary>
    private static readonly TimeSpan RoomsReadRetry = TimeSpan.FromSeconds(2);

    // One step of the list's changes, taken in the order they were asked for: a change whose row is being written, or
    // an answer (the list asked for, a change that changed nothing) that must not overtake the changes before it.
    private sealed class Step(Action stored, Action failed)
    {
        public bool Done { get; set; }

        public Exception? Failure { get; set; }

        public void Finish()
        {
            if (Failure is null)
                stored();
            else
                failed();
        }
    }

    private sealed record StepDone(Step Step, Exception? Failure);

    private readonly MessageTable _table = MessageTable.Get(Context.System);

    // Null until read from the table; the commands that come meanwhile wait for it, in order.
    private AccountRooms? _rooms;
    private List<(IAccountCommand Command, IActorRef Sender)>? _waitingForRooms;
    private readonly Queue<Step> _steps = new();

    // A write failed: what the account holds may differ from the table, which is read again once the writes after
    // it are done (read sooner, it could miss them).
    private bool _rereadRooms;

    // The invitations this user may still send; made on the first one.
    private TokenBucket? _invitationBudget;

    public ITimerScheduler Timers { get; set; } = null!;

    private void RoomCommands()
    {
        Command<ListRoom>(list =>
        {
            // An invitation for a name nobody registered lists nothing: whoever registers it later starts with no rooms.
            if (_account is not null)
                WithRooms(list, rooms => OnListRoom(rooms, list));
        });
        Command<UnlistRoom>(unlist => WithRooms(unlist, rooms => OnUnlistRoom(rooms, unlist)));
        Command<GetRooms>(get => WithRooms(get, rooms => OnGetRooms(rooms, Sender)));
        Command<SpendInvitation>(_ => OnSpendInvitation());
        Command<CheckInvitation>(check =>
        {
            if (_account is null)
                Sender.Tell(new InvitationAnswer(Protocol.ErrorCodes.NotFound, $"no user '{check.Username}'"));
            else
                WithRooms(check, rooms => OnCheckInvitation(rooms, check, Sender));
        });
        Command<RoomsRead>(read => RoomsReady(new AccountRooms(read.Rooms)));
        Command<RoomsUnreadable>(unreadable =>
        {
            // The asker of the list hears at once (its client may ask again); changes wait for the next read.
            Context.GetLogger().Error(unreadable.Cause, "The room list of {0} could not be read; trying again in {1}", _key, RoomsReadRetry);
            _waitingForRooms?.RemoveAll(waiting =>
            {
                if (waiting.Command is not GetRooms)
                    return false;
                waiting.Sender.Tell(new Status.Failure(unreadable.Cause));
                return true;
            });
            Timers.StartSingleTimer(nameof(ReadRoomsAgain), ReadRoomsAgain.Instance, RoomsReadRetry);
        });
        Command<ReadRoomsAgain>(_ => ReadRooms());
        Command<StepDone>(done =>
        {
            done.Step.Done = true;
            done.Step.Failure = done.Failure;
            if (done.Failure is not null)
            {
                Context.GetLogger().Error(done.Failure, "A change of the room list of {0} could not be stored", _key);
                _rereadRooms = true;
            }
            TakeSteps();
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
            ReadRooms();
        }
        _waitingForRooms.Add((command, Sender));
    }

    private void ReadRooms() =>
        _table.ReadListedRoomsAsync(_key, AccountRooms.MaxRooms).PipeTo(Self,
            success: listed => new RoomsRead(listed),
            failure: e => new RoomsUnreadable(e));

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
                    OnGetRooms(rooms, sender);
                    break;
                case CheckInvitation check:
                    OnCheckInvitation(rooms, check, sender);
                    break;
            }
        }
    }

    // The list as it will be once the changes asked for before are stored, sent when they are.
    private void OnGetRooms(AccountRooms rooms, IActorRef asker)
    {
        var list = new RoomList(rooms.All);
        Take(new Step(() => asker.Tell(list), () => asker.Tell(list)), written: null);
    }

    private void OnListRoom(AccountRooms rooms, ListRoom list)
    {
        if (list.InvitedBy is { } inviter)
        {
            OnListInvitation(rooms, list, AccountActor.KeyOf(inviter));
            return;
        }
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
                Context.GetLogger().Info("Account {0} lists {1} rooms already; {2} is not listed", _key, AccountRooms.MaxRooms, list.Room);
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
    private void OnListInvitation(AccountRooms rooms, ListRoom list, string inviter)
    {
        if (rooms.TryGet(list.Room, out _))
            return;
        if (InvitationRefusal(rooms, inviter) is { } refusal)
        {
            Context.GetLogger().Info("Account {0} does not list the invitation of {1} to {2}: {3}", _key, inviter, list.Room, refusal.Message);
            return;
        }
        var invitation = new ListedRoom(list.Room, list.Kind, inviter);
        rooms.List(invitation);
        Change(new RoomListChange(list.Room, list.Kind, RoomListChange.Added, InvitedBy: inviter), null, Remember(invitation));
    }

    private void OnCheckInvitation(AccountRooms rooms, CheckInvitation check, IActorRef asker) =>
        asker.Tell(rooms.TryGet(check.Room, out _) ? InvitationAnswer.Allowed
            : InvitationRefusal(rooms, AccountActor.KeyOf(check.Inviter)) ?? InvitationAnswer.Allowed);

    private InvitationAnswer? InvitationRefusal(AccountRooms rooms, string inviter)
    {
        var name = _account?.Username ?? _key;
        // An invitation never takes the place of another room: only the user's own joins displace invitations.
        if (rooms.Count >= AccountRooms.MaxRooms)
            return new InvitationAnswer(Protocol.ErrorCodes.LimitReached, $"the room list of '{name}' is full");
        if (rooms.Invitations >= _invitations.MaxPending)
            return new InvitationAnswer(Protocol.ErrorCodes.LimitReached, $"'{name}' has {_invitations.MaxPending} invitations not taken up yet");
        if (rooms.InvitationsFrom(inviter) >= _invitations.MaxPendingPerInviter)
            return new InvitationAnswer(Protocol.ErrorCodes.LimitReached,
                $"'{name}' has not taken up your last {_invitations.MaxPendingPerInviter} invitations yet");
        return null;
    }

    // The inviter's own budget: a bucket of PerHour invitations that refills over the hour.
    private void OnSpendInvitation()
    {
        var budget = _invitationBudget ??= new TokenBucket(_invitations.PerHour / 3600.0, _invitations.PerHour, _clock);
        if (budget.TryTake())
        {
            Sender.Tell(InvitationAnswer.Allowed);
            return;
        }
        var wait = Math.Max(1, (int)Math.Ceiling(budget.UntilNext().TotalMinutes));
        Sender.Tell(new InvitationAnswer(Protocol.ErrorCodes.RateLimited,
            $"at most {_invitations.PerHour} invitations an hour; the next one in {wait} minute{(wait == 1 ? "" : "s")}"));
    }

    private Task Remember(ListedRoom listing) =>
        _table.RememberListingAsync(listing.Room, _key, listing.Kind, _clock.GetUtcNow(), listing.InvitedBy);

    private void OnUnlistRoom(AccountRooms rooms, UnlistRoom unlist)
    {
        if (!rooms.TryGetKind(unlist.Room, out var kind))
        {
            // Nothing to store, and nobody else to tell; the answer still waits for the changes before it.
            var answer = new RoomListChange(unlist.Room, KindOf(unlist.Room), unlist.Reason, Answer: true);
            Take(new Step(() => unlist.ReplyTo?.Tell(answer), () => unlist.ReplyTo?.Tell(answer)), written: null);
            return;
        }
        rooms.Unlist(unlist.Room);
        Change(new RoomListChange(unlist.Room, kind, unlist.Reason), unlist.ReplyTo,
            _table.RememberListingAsync(unlist.Room, _key, kind: null, _clock.GetUtcNow()));
    }

    // A change of the list: once its row is stored, every connection of the user hears of it (the one that asked, as
    // the answer); if it cannot be stored, the one that asked is told so and nobody else hears of it.
    private void Change(RoomListChange change, IActorRef? replyTo, Task written)
    {
        Take(new Step(
            stored: () =>
            {
                TellConnections(change, except: replyTo);
                replyTo?.Tell(change with { Answer = true });
            },
            failed: () => replyTo?.Tell(new Connections.Deliver(Protocol.ServerFrames.Error(new Protocol.ProtocolError(
                Protocol.ErrorCodes.Unavailable, "the room list could not be changed right now; try again", change.Room))))),
            written);
    }

    // written: the step's row on its way to the table, or null for a step that stores nothing.
    private void Take(Step step, Task? written)
    {
        _steps.Enqueue(step);
        if (written is null)
        {
            step.Done = true;
            TakeSteps();
        }
        else
            written.PipeTo(Self, success: () => new StepDone(step, null), failure: e => new StepDone(step, e));
    }

    private void TakeSteps()
    {
        while (_steps.TryPeek(out var next) && next.Done)
        {
            _steps.Dequeue();
            next.Finish();
        }
        if (_rereadRooms && _steps.Count == 0)
        {
            _rereadRooms = false;
            _rooms = null;
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
