using ActorChat.Connections;
using ActorChat.Delivery;
using ActorChat.Diagnostics;
using ActorChat.Hosting;
using ActorChat.Protocol;
using ActorChat.Storage;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Akka.Streams;

namespace ActorChat.Rooms;

/// <summary>
/// One chat room, the single writer of its order: numbers and stores each message and each change to one, acks the
/// sender once it is durable, and fans the serialized frame out to every other member connection.
/// </summary>
/// <remarks>
/// The actor decides and stores; each concern it delegates has a type of its own: <see cref="RoomMembers"/> (who is
/// here), <see cref="RoomDelivery"/> (how they are reached), <see cref="MessageChanges"/> (the rules for edits,
/// deletes and reactions), <see cref="PendingWrites"/> (events on their way to the journal), <see cref="RoomTail"/>
/// (the newest messages and events, and the ids that make every frame at-most-once), <see cref="RoomTable"/> (the
/// message table, kept in step), <see cref="RoomRecovery"/>, <see cref="RoomHistory"/> (join answers and pages),
/// <see cref="RoomMarkers"/> (read and received markers, stored by a <see cref="ReadMarkersActor"/>), and
/// <see cref="TypingThrottle"/>.
/// </remarks>
public sealed partial class RoomActor : ReceivePersistentActor, IWithTimers
{
    private readonly string _room;
    private readonly RoomSettings _settings;
    private readonly RoomTail _tail;
    private readonly RoomRecovery _recovery;
    private readonly RoomMembers _members = new();
    private readonly RoomDelivery _delivery;
    private readonly RoomHistory _history;
    private readonly TypingThrottle _typing;
    private readonly RoomAccess _access;
    private readonly PendingWrites _pending = new();
    private readonly MessageChanges _changes;
    private readonly RoomTable _table;
    private readonly RoomMarkers _markers;
    private readonly IActorRef _accounts;
    private readonly TimeProvider _clock;
    private IMaterializer? _materializer;
    private bool _stopRequested;
    private long _assignedSeq;
    private long _snapshotRev;
    private bool _tablePending;
    private bool _countedActive;

    /// <param name="accounts">The accounts' shard region: told when the room puts itself in a user's room list or takes itself off it.</param>
    /// <param name="clock">Stamps the room's events (a message's <c>ts</c>, an edit's time); the system clock unless given.</param>
    public RoomActor(string room, RoomSettings settings, IActorRef? accounts = null, TimeProvider? clock = null)
    {
        _room = room;
        _settings = settings;
        _accounts = accounts ?? ActorRefs.Nobody;
        _clock = clock ?? TimeProvider.System;
        _tail = new RoomTail(room, settings);
        _recovery = new RoomRecovery(room, _tail, settings);
        PersistenceId = PersistenceIdPrefix + room;
        _delivery = new RoomDelivery(_members, DeliveryHubs.Get(Context.System), Self);
        _table = new RoomTable(room, MessageTable.Get(Context.System), Self);
        _history = new RoomHistory(room, PersistenceId, settings, _tail, _table.Table, Context.System, Materializer);
        _changes = new MessageChanges(room, _tail);
        _access = new RoomAccess(room);
        _typing = new TypingThrottle(settings.TypingInterval);
        var markerStore = Context.ActorOf(FactoryProps.Of(() => new ReadMarkersActor(room, settings.SnapshotEvery, _table.Table)), "reads");
        Context.Watch(markerStore);
        _markers = new RoomMarkers(room, _tail, _members, _delivery, markerStore);

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is RoomSnapshot snapshot)
            {
                _recovery.Snapshot(snapshot, offer.Metadata.SequenceNr);
                _access.Restore(snapshot);
            }
        });
        Recover<IRoomEvent>(replayed =>
        {
            if (replayed is IAccessChange change)
                _access.Apply(change);
            _recovery.Replayed(replayed, LastSequenceNr);
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());
    }

    /// <summary>What a room's persistence id starts with; the room's name follows.</summary>
    public const string PersistenceIdPrefix = "room-";

    public override string PersistenceId { get; }

    private void Serving()
    {
        Command<Join>(OnJoin);
        Command<Leave>(_ => RemoveMember(Sender, answer: true));
        Command<Terminated>(terminated =>
        {
            if (!StopIfMarkerStoreDied(terminated))
                RemoveMember(terminated.ActorRef, answer: false);
        });
        Command<Post>(OnPost);
        Command<ChangeMessage>(OnChange);
        Command<ChangeMembership>(OnChangeMembership);
        Command<InvitationChecked>(OnInvitationChecked);
        Command<OlderLoaded>(OnOlderLoaded);
        Command<RoomTable.Written>(written => _table.OnWritten(written));
        Command<RoomTable.Failed>(failed =>
        {
            Context.GetLogger().Warning(failed.Cause, "Room {0} could not write its message table; it stops, and its next incarnation catches the table up", _room);
            Context.Stop(Self);
        });
        Command<Typing>(OnTyping);
        Command<MarkRead>(read => _markers.Read(read, Sender));
        Command<MarkReceived>(received =>
        {
            if (_markers.Received(received, Sender) && !Timers.IsTimerActive(nameof(ReceiptsDue)))
                Timers.StartSingleTimer(nameof(ReceiptsDue), ReceiptsDue.Instance, RoomMarkers.ReceiptInterval);
        });
        Command<ReceiptsDue>(_ => _markers.SendDueReceipts());
        Command<GetHistory>(OnGetHistory);
        Command<HistoryRead>(read => _delivery.SendTo(read.Connection, new Deliver(read.Frame)));
        Command<TablePageRead>(read => _delivery.SendTo(read.Connection, new Deliver(_history.HistoryFrame(read.Page))));
        Command<MayRead>(ask => Sender.Tell(new ReadAccess(_room, _access.Allows(ask.User))));
        Command<WhereAreYou>(_ => Sender.Tell(new RoomLocation(_room, ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString())));
        Command<ReceiveTimeout>(_ => PassivateWhenIdle());
        Command<StopWhenIdle>(_ =>
        {
            // The shard holds new messages back from here on; finish any write first so every sender gets its ack.
            // Members who joined meanwhile see the room stop and join its next incarnation.
            _stopRequested = true;
            if (!_pending.Writing)
                Context.Stop(Self);
        });
        Command<SaveSnapshotSuccess>(success =>
            DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    private IMaterializer Materializer() => _materializer ??= Context.Materializer();

    public static Props PropsFor(string room, RoomSettings settings, IActorRef? accounts = null, TimeProvider? clock = null) =>
        FactoryProps.Of(() => new RoomActor(room, settings, accounts, clock));

    private void Admit(Join join, IActorRef connection)
    {
        if (!_members.Contains(connection))
        {
            Context.Watch(connection);
            if (_members.Add(connection, join.User, join.Hub))
                _delivery.Broadcast(new Deliver(ServerFrames.Presence(_room, join.User, joined: true)), except: [connection]);
        }
        SetReceiveTimeout(null);

        // Sends the connection lost track of that were stored after all: ack them before the replay, and leave
        // them out of it, so the sender hears of its messages as acks only, in seq order.
        HashSet<long>? alreadyAcked = null;
        foreach (var id in join.Unacked ?? [])
        {
            if (_tail.TryGetSent(join.User, id, out var sent))
            {
                _delivery.SendTo(connection, new Acked(_room, id, sent.Seq, ServerFrames.Ack(_room, id, sent.Seq, sent.Timestamp)));
                (alreadyAcked ??= []).Add(sent.Seq);
            }
        }

        // The hub of the connection's node starts handing it this incarnation's fan-out from here on.
        var access = _access.IsPrivate ? new RoomAccessView(_access.IsDirect, _access.Owner, _access.Roster) : null;
        var answer = _history.JoinAnswer(join, _members, _markers.Reads, alreadyAcked, access);
        _delivery.Admit(connection, answer);
        _markers.SendLatestReceipt(join.User, connection);
    }

    private void RemoveMember(IActorRef connection, bool answer, bool removed = false)
    {
        _delivery.Dismiss(connection, answer ? new LeftRoom(_room, ServerFrames.Left(_room, removed), removed) : null);
        if (!_members.Contains(connection))
            return;
        Context.Unwatch(connection);
        if (_members.Remove(connection) is { } lastOfUser)
        {
            _typing.Forget(lastOfUser);
            _delivery.Broadcast(new Deliver(ServerFrames.Presence(_room, lastOfUser, joined: false)), except: [connection]);
        }
        ScheduleIdleStopIfEmpty();
    }

    private void OnTyping(Typing typing)
    {
        if (!_members.Contains(Sender))
            return;
        if (_typing.ShouldRelay(typing.User))
            _delivery.Broadcast(new Deliver(ServerFrames.Typing(_room, typing.User)), except: _members.ConnectionsOf(typing.User));
    }

    private void OnGetHistory(GetHistory request)
    {
        // Only members read a room's past: a private room's former members no longer can.
        if (!_members.Contains(Sender))
        {
            Sender.Tell(new NotMember(_room, ""));
            Sender.Tell(new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "the room restarted; ask again", _room))));
            return;
        }
        if (_history.PageFromMemory(request) is { } page)
        {
            _delivery.SendTo(Sender, new Deliver(page));
            return;
        }
        // Older than what the room keeps in memory: read from the message table, off the room's thread. The page goes
        // back through the room, which puts in any change the table has not taken yet, and reaches the member on the
        // same path as everything else.
        var connection = Sender;
        _table.WhenCaughtUp(() => _history.PageFromTableAsync(request).PipeTo(Self,
            success: page => new TablePageRead(connection, page),
            failure: _ => new HistoryRead(connection, ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "history is unavailable right now", _room)))));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed record ReceiptsDue : INoSerializationVerificationNeeded, INotInfluenceReceiveTimeout
    {
        public static readonly ReceiptsDue Instance = new();
    }

    /// <summary>A history page read from the journal, on its way back to the member that asked.</summary>
    private sealed record HistoryRead(IActorRef Connection, byte[] Frame) : INoSerializationVerificationNeeded;

    /// <summary>Messages read from the table for a history page, on their way back to the member that asked.</summary>
    private sealed record TablePageRead(IActorRef Connection, TablePage Page) : INoSerializationVerificationNeeded;
}
