using ActorChat.Connections;
using ActorChat.Delivery;
using ActorChat.Diagnostics;
using ActorChat.Hosting;
using ActorChat.Protocol;
using ActorChat.Storage;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Streams;

namespace ActorChat.Rooms;

/// <summary>
/// One chat room, the single writer of its order: numbers and stores each message and each change to one, acks the
/// sender once it is durable, and fans the serialized frame out to every other member connection.
/// </summary>
/// <remarks>
/// The actor keeps the message switch, its life (recovering, then serving) and the admission of a member; each
/// concern is a type that owns its state: <see cref="RoomWrites"/> (sends and changes on their way to the journal),
/// <see cref="RosterChanges"/> (who may come in), <see cref="RoomMembers"/> (who is here), <see cref="RoomPresence"/>
/// (what the others hear of it: presence, typing), <see cref="RoomDelivery"/> (how they are reached),
/// <see cref="RoomTail"/> (the newest messages and events, and the ids that make every frame at-most-once),
/// <see cref="RoomTable"/> (the message table, kept in step), <see cref="RoomRecovery"/>, <see cref="RoomHistory"/>
/// (join answers and pages), <see cref="RoomMarkers"/> (read and received markers, stored by a
/// <see cref="ReadMarkersActor"/>), <see cref="RoomIdleStop"/> (when an empty room stops).
/// </remarks>
public sealed class RoomActor : ReceivePersistentActor, IWithTimers, IRoomJournal
{
    private readonly string _room;
    private readonly RoomTail _tail;
    private readonly RoomRecovery _recovery;
    private readonly RoomMembers _members = new();
    private readonly RoomDelivery _delivery;
    private readonly RoomHistory _history;
    private readonly RoomPresence _presence;
    private readonly RoomTable _table;
    private readonly RoomMarkers _markers;
    private readonly RosterChanges _roster;
    private readonly RoomModeration _moderation = new();
    private readonly TimeProvider _clock;
    private readonly ModerationChanges _moderating;
    private readonly MessageReports _reports;
    private readonly RoomWrites _writes;
    private readonly RoomIdleStop _idle;
    private IMaterializer? _materializer;
    private bool _countedActive;

    /// <param name="accounts">The accounts' shard region: told when the room puts itself in a user's room list or takes itself off it.</param>
    /// <param name="clock">Stamps the room's events (a message's <c>ts</c>, an edit's time); the system clock unless given.</param>
    public RoomActor(string room, RoomSettings settings, IActorRef? accounts = null, TimeProvider? clock = null)
    {
        _room = room;
        accounts ??= ActorRefs.Nobody;
        clock ??= TimeProvider.System;
        _clock = clock;
        _tail = new RoomTail(room, settings);
        _recovery = new RoomRecovery(room, _tail, settings);
        PersistenceId = PersistenceIdPrefix + room;
        _delivery = new RoomDelivery(_members, DeliveryHubs.Get(Context.System), Self);
        _table = new RoomTable(room, MessageTable.Get(Context.System), Self);
        _history = new RoomHistory(room, PersistenceId, settings, _tail, _table, _members, _delivery, Context.System, Materializer, Self);
        _presence = new RoomPresence(room, _members, _delivery, settings.TypingInterval, Context);
        _roster = new RosterChanges(room, _tail, _table, _members, _delivery, _moderation, accounts, clock, this, Self);
        _moderating = new ModerationChanges(room, _tail, _table, _members, _delivery, _roster.Access, _moderation, accounts, clock, this, Self);
        _reports = new MessageReports(room, _tail, _table, _members, _delivery, _moderation, clock, Self);
        _writes = new RoomWrites(room, settings, _tail, _table, _members, _delivery, _roster.Access, _moderation, accounts, clock, this, Self);
        _idle = new RoomIdleStop(_members, _writes, settings.IdleTimeout, Context);
        var markerStore = Context.ActorOf(FactoryProps.Of(() => new ReadMarkersActor(room, settings.SnapshotEvery, _table.Table.Members)), "reads");
        Context.Watch(markerStore);
        _markers = new RoomMarkers(room, _tail, _members, _delivery, markerStore, this);

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is RoomSnapshot snapshot)
            {
                _recovery.Snapshot(snapshot, offer.Metadata.SequenceNr);
                _roster.Access.Restore(snapshot);
                _moderation.Restore(snapshot.Moderation, snapshot.Owner);
            }
        });
        Recover<IRoomEvent>(replayed =>
        {
            if (replayed is IAccessChange change)
            {
                _roster.Access.Apply(change);
                _moderation.Apply(change);
            }
            _recovery.Replayed(replayed, LastSequenceNr);
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());
    }

    /// <summary>What a room's persistence id starts with; the room's name follows.</summary>
    public const string PersistenceIdPrefix = "room-";

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// What the shard region stops rooms with when it hands them over (its hand-off stop message): the room finishes
    /// the write in flight and acks it first, where a <see cref="PoisonPill"/> would stop it with the write still going.
    /// </summary>
    public static object StopMessage => RoomIdleStop.Stop.Instance;

    public static Props PropsFor(string room, RoomSettings settings, IActorRef? accounts = null, TimeProvider? clock = null) =>
        FactoryProps.Of(() => new RoomActor(room, settings, accounts, clock));

    private void OnRecovered()
    {
        // A room recovered from a snapshot may read its journal while it catches the table up, off its own thread,
        // where there is no actor context to make a materializer in: make it here.
        if (_recovery.SnapshotRev > 0)
            Materializer();
        if (_recovery.CompleteAsync(LastSequenceNr, _table.Table, _history.ReadJournal) is { } catchUp)
            catchUp.PipeTo(Self, success: recovered => recovered, failure: cause => new Status.Failure(cause));
        else
            _writes.Recovered(_recovery.SnapshotRev);
        _roster.LookUpDirectNames();
        Become(Recovering);
    }

    // Joins answer with read markers and replays, so the room serves nobody until its markers are back and its
    // message table has caught up.
    private void Recovering()
    {
        Command<ReadMarkersActor.Recovered>(recovered =>
        {
            _markers.Recovered(recovered);
            ServeWhenRecovered();
        });
        Command<RoomRecovery.Recovered>(recovered =>
        {
            _recovery.Finish(recovered);
            _table.CaughtUp(_tail.Rev);
            _writes.Recovered(_recovery.SnapshotRev);
            ServeWhenRecovered();
        });
        // Without its window the room could store a retried send twice: stop, and let the next message recover it.
        Command<Status.Failure>(failure =>
        {
            Context.GetLogger().Warning(failure.Cause, "Room {0} could not recover its message table; it stops, and the next message recovers it", _room);
            Context.Stop(Self);
        });
        Command<Terminated>(terminated => StopIfMarkerStoreDied(terminated));
        CommandAny(_ => Stash.Stash());
    }

    private void ServeWhenRecovered()
    {
        if (_markers.Recovering || _recovery.CatchingUp)
            return;
        Stash.UnstashAll();
        Become(Serving);
        ChatMetrics.ActiveRooms.Add(1);
        _countedActive = true;
        _idle.ScheduleIfEmpty();
    }

    private void Serving()
    {
        Command<Join>(join => _roster.Join(join, Sender, Admit));
        Command<Leave>(_ => RemoveMember(Sender, answer: true));
        Command<Terminated>(terminated =>
        {
            if (!StopIfMarkerStoreDied(terminated))
                RemoveMember(terminated.ActorRef, answer: false);
        });
        Command<Post>(post => _writes.Post(post, Sender));
        Command<ChangeMessage>(change => _writes.Change(change, Sender));
        Command<RoomWrites.OlderLoaded>(loaded => _writes.Loaded(loaded));
        Command<ChangeMembership>(change => _roster.Change(change, Sender, RemoveRemoved));
        Command<Moderate>(moderate => _moderating.Moderate(moderate, Sender, PutOut));
        Command<GetModerationLog>(ask => _moderating.Log(ask, Sender));
        Command<ModerationChanges.LogRead>(_moderating.Read);
        Command<ReportMessage>(report => _reports.Report(report, Sender));
        Command<MessageReports.Stored>(_reports.Answer);
        Command<GetReports>(ask => _reports.List(ask, Sender));
        Command<ResolveReports>(ask => _reports.Resolve(ask, Sender));
        // A member's new profile, from their account: every other member present sees the new name and avatar at once
        // (the user's own devices hear it from the account).
        Command<ShareProfile>(share => _delivery.Broadcast(new Deliver(ServerFrames.Profile(share.Profile)), _members.ConnectionsOf(share.Profile.User)));
        Command<MessageReports.Read>(_reports.Answer);
        Command<MessageReports.Resolved>(_reports.Answer);
        Command<RosterChanges.InvitationChecked>(answer => _roster.Checked(answer, RemoveRemoved));
        Command<RosterChanges.DirectNames>(_roster.Named);
        Command<RoomTable.Written>(written => _table.OnWritten(written));
        Command<RoomTable.Failed>(failed =>
        {
            Context.GetLogger().Warning(failed.Cause, "Room {0} could not write its message table; it stops, and its next incarnation catches the table up", _room);
            Context.Stop(Self);
        });
        Command<Typing>(typing => _presence.Typing(typing, Sender));
        Command<MarkRead>(read => _markers.Read(read, Sender));
        Command<MarkReceived>(received => _markers.Received(received, Sender));
        Command<RoomMarkers.ReceiptsDue>(_ => _markers.SendDueReceipts());
        Command<GetHistory>(request => _history.Page(request, Sender));
        Command<RoomHistory.PageRead>(_history.Read);
        Command<MayRead>(ask => Sender.Tell(new ReadAccess(_room, _roster.Access.Allows(ask.User))));
        Command<WhereAreYou>(_ => Sender.Tell(new RoomLocation(_room, ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString())));
        Command<ReceiveTimeout>(_ => _idle.TimedOut());
        Command<RoomIdleStop.Stop>(_ => _idle.StopRequested());
        Command<SaveSnapshotSuccess>(success => DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    private IMaterializer Materializer() => _materializer ??= Context.Materializer();

    private void Admit(Join join, IActorRef connection)
    {
        _presence.Enter(join, connection);
        _idle.Occupied();
        // The hub of the connection's node starts handing it this incarnation's fan-out from here on.
        var access = _roster.Access;
        var view = access.IsPrivate ? new RoomAccessView(access.IsDirect, access.Owner, access.Roster) : null;
        _delivery.Admit(connection, _history.JoinAnswer(join, connection, _markers.Reads, view, _moderation.ViewFor(join.User, _clock.GetUtcNow())));
        _markers.SendLatestReceipt(join.User, connection);
    }

    // A member the owner took off the roster: told, and out at once.
    private void RemoveRemoved(IActorRef connection) => RemoveMember(connection, answer: true, removed: true);

    // A member a moderator kicked or banned: told by the given frame, and out at once.
    private void PutOut(IActorRef connection, byte[] left) => RemoveMember(connection, answer: true, removed: true, left);

    private void RemoveMember(IActorRef connection, bool answer, bool removed = false, byte[]? left = null)
    {
        _presence.Leave(connection, answer, removed, left);
        _idle.ScheduleIfEmpty();
    }

    // Without its read markers the room cannot answer joins truthfully: stop, and let the next message recover both.
    private bool StopIfMarkerStoreDied(Terminated terminated)
    {
        if (!_markers.IsStore(terminated.ActorRef))
            return false;
        Context.Stop(Self);
        return true;
    }

    protected override void PostStop()
    {
        _table.Stopping();
        if (_countedActive)
            ChatMetrics.ActiveRooms.Add(-1);
        base.PostStop();
    }

    // A write the journal refused leaves a hole in the numbering the room cannot fill: restart from the journal.
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        Context.Stop(Self);
    }

    void IRoomJournal.Persist(IRoomEvent @event, Action<IRoomEvent> stored) => Persist(@event, stored);

    void IRoomJournal.PersistAll(IReadOnlyList<IRoomEvent> events, Action<IRoomEvent> stored) => PersistAllAsync(events, stored);

    void IRoomJournal.SaveSnapshot(RoomSnapshot snapshot) => SaveSnapshot(snapshot);

    void IRoomJournal.WritesSettled() => _idle.WritesSettled();
}
