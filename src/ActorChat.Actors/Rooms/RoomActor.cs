using System.Diagnostics;
using ActorChat.Connections;
using ActorChat.Hosting;
using ActorChat.Diagnostics;
using ActorChat.Protocol;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using Akka.Streams;

namespace ActorChat.Rooms;

/// <summary>
/// One chat room, the single writer of its order: numbers and stores each message, acks the sender once it is
/// durable, and fans the serialized frame out to every other member connection.
/// </summary>
/// <remarks>
/// The actor decides and stores; each concern it delegates has a type of its own: <see cref="RoomMembers"/> (who is
/// here), <see cref="RoomDelivery"/> (how they are reached), <see cref="PendingPosts"/> (sends on their way to the
/// journal), <see cref="RoomTail"/> (the newest messages and the ids that make sends at-most-once),
/// <see cref="RoomRecovery"/>, <see cref="RoomHistory"/> (join answers and pages), <see cref="RoomReads"/> with
/// its <see cref="ReadMarkersActor"/> (read markers), and <see cref="TypingThrottle"/>.
/// </remarks>
public sealed class RoomActor : ReceivePersistentActor
{
    private readonly string _room;
    private readonly RoomSettings _settings;
    private readonly RoomTail _tail;
    private readonly RoomRecovery _recovery;
    private readonly RoomMembers _members = new();
    private readonly RoomDelivery _delivery;
    private readonly RoomHistory _history;
    private readonly RoomReads _reads = new();
    private readonly TypingThrottle _typing;
    private readonly PendingPosts _pending = new();
    private readonly IActorRef _readMarkerStore;
    private IMaterializer? _materializer;
    private bool _stopRequested;
    private long _assignedSeq;
    private long _snapshotSeq;
    private bool _markersPending = true;
    private bool _windowPending;
    private bool _countedActive;

    public RoomActor(string room, RoomSettings settings)
    {
        _room = room;
        _settings = settings;
        _tail = new RoomTail(room, settings);
        _recovery = new RoomRecovery(_tail, settings.DedupWindow);
        PersistenceId = "room-" + room;
        _delivery = new RoomDelivery(_members, DeliveryHubs.Get(Context.System), Self);
        _history = new RoomHistory(room, PersistenceId, settings, _tail, Context.System, () => _materializer ??= Context.Materializer());
        _typing = new TypingThrottle(settings.TypingInterval);
        _readMarkerStore = Context.ActorOf(FactoryProps.Of(() => new ReadMarkersActor(room, settings.SnapshotEvery)), "reads");
        Context.Watch(_readMarkerStore);

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is RoomSnapshot snapshot)
                _recovery.Snapshot(snapshot, offer.Metadata.SequenceNr);
        });
        Recover<MessagePosted>(_recovery.Replayed);
        Recover<RecoveryCompleted>(_ => OnRecovered());
    }

    public override string PersistenceId { get; }

    private void OnRecovered()
    {
        _snapshotSeq = _recovery.SnapshotSeq;
        var (latest, window) = _recovery.Complete();
        if (window is var (from, to))
        {
            _windowPending = true;
            _history.ReadJournal(from, to).PipeTo(Self,
                success: read => new WindowRead(read, latest),
                failure: cause => new Status.Failure(cause));
        }
        _assignedSeq = latest;
        Become(Recovering);
    }

    // Joins answer with read markers and replays, so the room serves nobody until its markers and its window are back.
    private void Recovering()
    {
        Command<ReadMarkersActor.Recovered>(recovered =>
        {
            _reads.Recovered(recovered.Markers);
            _markersPending = false;
            ServeWhenRecovered();
        });
        Command<WindowRead>(read =>
        {
            _recovery.WindowRead(read.Window, read.Latest);
            _windowPending = false;
            ServeWhenRecovered();
        });
        // Without its window the room could store a retried send twice: stop, and let the next message recover it.
        Command<Status.Failure>(_ => Context.Stop(Self));
        Command<Terminated>(terminated => StopIfMarkerStoreDied(terminated));
        CommandAny(_ => Stash.Stash());
    }

    private void ServeWhenRecovered()
    {
        if (_markersPending || _windowPending)
            return;
        Stash.UnstashAll();
        Become(Serving);
        ChatMetrics.ActiveRooms.Add(1);
        _countedActive = true;
        ScheduleIdleStopIfEmpty();
    }

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
        Command<Typing>(OnTyping);
        Command<MarkRead>(OnMarkRead);
        Command<GetHistory>(OnGetHistory);
        Command<HistoryRead>(read => _delivery.SendTo(read.Connection, new Deliver(read.Frame)));
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

    public static Props PropsFor(string room, RoomSettings settings) =>
        FactoryProps.Of(() => new RoomActor(room, settings));

    private void OnJoin(Join join)
    {
        var connection = Sender;
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
        var answer = _history.JoinAnswer(join, _members, _reads, alreadyAcked);
        _delivery.Admit(connection, answer);
    }

    private void RemoveMember(IActorRef connection, bool answer)
    {
        _delivery.Dismiss(connection, answer ? new LeftRoom(_room, ServerFrames.Left(_room)) : null);
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

    private void OnPost(Post post)
    {
        if (!_members.Contains(Sender))
        {
            // A connection that believes it is a member while the room does not: the room restarted or moved.
            Sender.Tell(new NotMember(_room, post.Id));
            return;
        }
        if (_tail.TryGetSent(post.User, post.Id, out var sent))
        {
            _delivery.SendTo(Sender, new Acked(_room, post.Id, sent.Seq, ServerFrames.Ack(_room, post.Id, sent.Seq, sent.Timestamp)));
            return;
        }
        if (_pending.TryJoin(post.User, post.Id, Sender))
            return;

        var posted = new MessagePosted(++_assignedSeq, post.Id, post.User, post.Text, DateTimeOffset.UtcNow);
        if (_pending.Add(posted, Sender))
            WriteWaiting();
    }

    private void WriteWaiting()
    {
        var batch = _pending.TakeBatch();
        var remaining = batch.Count;
        var started = Stopwatch.GetTimestamp();
        PersistAllAsync(batch, posted =>
        {
            var pending = _pending.Stored(posted);
            var frame = _tail.Append(posted);
            ChatMetrics.MessagesStored.Add(1);

            var ack = new Acked(_room, posted.Id, posted.Seq, ServerFrames.Ack(_room, posted.Id, posted.Seq, posted.Timestamp));
            IReadOnlyList<IActorRef> senders = pending?.Senders ?? [];
            foreach (var sender in senders)
                _delivery.SendTo(sender, ack);
            if (pending is not null)
                ChatMetrics.FanoutDelay.Record(Stopwatch.GetElapsedTime(pending.AcceptedAt).TotalMilliseconds);
            _delivery.Broadcast(new DeliverSequenced(_room, posted.Seq, frame), except: senders);

            if (--remaining == 0)
            {
                ChatMetrics.JournalWriteDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                OnBatchStored();
            }
        });
    }

    private void OnBatchStored()
    {
        _pending.BatchStored();
        if (_tail.Seq - _snapshotSeq >= _settings.SnapshotEvery)
        {
            _snapshotSeq = _tail.Seq;
            SaveSnapshot(new RoomSnapshot(_tail.Seq));
        }
        if (_pending.HasWaiting)
            WriteWaiting();
        else if (_stopRequested)
            Context.Stop(Self);
        else
            ScheduleIdleStopIfEmpty();
    }

    private void OnTyping(Typing typing)
    {
        if (!_members.Contains(Sender))
            return;
        if (_typing.ShouldRelay(typing.User))
            _delivery.Broadcast(new Deliver(ServerFrames.Typing(_room, typing.User)), except: _members.ConnectionsOf(typing.User));
    }

    private void OnMarkRead(MarkRead read)
    {
        if (!_members.Contains(Sender))
            return;
        if (!_reads.TryMove(read.User, read.Seq, _tail.Seq, out var seq))
            return;
        _delivery.Broadcast(new Deliver(ServerFrames.Read(_room, read.User, seq)), except: [Sender]);
        _readMarkerStore.Tell(new ReadMarkersActor.Remember(read.User, seq));
    }

    private void OnGetHistory(GetHistory request)
    {
        if (_history.PageFromMemory(request) is { } page)
        {
            _delivery.SendTo(Sender, new Deliver(page));
            return;
        }
        // Older than what the room keeps in memory: read from the journal, off the room's thread. The page goes back
        // through the room, so it reaches the member on the same path as everything else.
        var connection = Sender;
        _history.PageFromJournalAsync(request).PipeTo(Self,
            success: frame => new HistoryRead(connection, frame),
            failure: _ => new HistoryRead(connection, ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "history is unavailable right now", _room))));
    }

    // Rooms stop themselves only when nobody is in them and nothing is being written; the shard's own
    // idle passivation is off, because a quiet room with members must keep its member list.
    private void ScheduleIdleStopIfEmpty()
    {
        if (_members.Count == 0 && !_pending.Writing)
            SetReceiveTimeout(_settings.IdleTimeout);
    }

    private void PassivateWhenIdle()
    {
        SetReceiveTimeout(null);
        if (_members.Count == 0 && !_pending.Writing)
            Context.Parent.Tell(new Passivate(StopWhenIdle.Instance));
    }

    // Without its read markers the room cannot answer joins truthfully: stop, and let the next message recover both.
    private bool StopIfMarkerStoreDied(Terminated terminated)
    {
        if (!terminated.ActorRef.Equals(_readMarkerStore))
            return false;
        Context.Stop(Self);
        return true;
    }

    protected override void PostStop()
    {
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

    private sealed record StopWhenIdle : INoSerializationVerificationNeeded
    {
        public static readonly StopWhenIdle Instance = new();
    }

    /// <summary>A history page read from the journal, on its way back to the member that asked.</summary>
    private sealed record HistoryRead(IActorRef Connection, byte[] Frame) : INoSerializationVerificationNeeded;

    /// <summary>The stored window of newest messages, oldest first, read back after a recovery from a snapshot.</summary>
    private sealed record WindowRead(IReadOnlyList<MessagePosted> Window, long Latest) : INoSerializationVerificationNeeded;
}
