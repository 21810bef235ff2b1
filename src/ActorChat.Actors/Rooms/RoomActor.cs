using System.Collections.Immutable;
using System.Diagnostics;
using ActorChat.Connections;
using ActorChat.Hosting;
using ActorChat.Diagnostics;
using ActorChat.Protocol;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorChat.Rooms;

/// <summary>
/// One chat room, the single writer of its order: numbers and stores each message, acks the sender once it is
/// durable, and fans the serialized frame out to every other member connection.
/// </summary>
public sealed class RoomActor : ReceivePersistentActor
{
    private readonly string _room;
    private readonly RoomSettings _settings;
    private readonly RecentMessages _recent;
    private readonly SentIds _sentIds;
    private readonly RoomMembers _members = new();
    private readonly Dictionary<string, long> _readMarkers = new(StringComparer.Ordinal);

    // When each present user's typing was last relayed (Stopwatch ticks); forgotten when the user leaves.
    private readonly Dictionary<string, long> _typingRelayedAt = new(StringComparer.Ordinal);
    private readonly IActorRef _readMarkerStore;
    private readonly DeliveryHubs _hubs = DeliveryHubs.Get(Context.System);
    private IMaterializer? _materializer;

    // Sends that arrive while a write is in flight wait here and go to the journal together as one write.
    private List<PendingPost> _waiting = [];
    private readonly Dictionary<(string User, string Id), PendingPost> _unstored = [];
    private bool _writing;
    private bool _stopRequested;
    private long _seq;
    private long _assignedSeq;
    private long _snapshotSeq;
    private List<MessagePosted>? _replayedAfterSnapshot;
    private bool _markersPending = true;
    private bool _windowPending;
    private bool _countedActive;

    public RoomActor(string room, RoomSettings settings)
    {
        _room = room;
        _settings = settings;
        _recent = new RecentMessages(settings.ReplayLimit);
        _sentIds = new SentIds(settings.DedupWindow);
        PersistenceId = "room-" + room;
        _readMarkerStore = Context.ActorOf(FactoryProps.Of(() => new ReadMarkersActor(room, settings.SnapshotEvery)), "reads");
        Context.Watch(_readMarkerStore);

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is RoomSnapshot snapshot)
            {
                _seq = snapshot.Seq;
                _snapshotSeq = offer.Metadata.SequenceNr;
                _replayedAfterSnapshot = [];
            }
        });
        Recover<MessagePosted>(posted =>
        {
            if (_replayedAfterSnapshot is not null)
                _replayedAfterSnapshot.Add(posted);
            else
                Remember(posted, latest: posted.Seq);
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());
    }

    public override string PersistenceId { get; }

    // Only the numbering is in a snapshot: the window of newest messages before it, which fills the in-memory tail
    // and drops retried sends, is read back from the journal. Its size is fixed, so recovery costs the same
    // whether the room holds a thousand messages or a million.
    private void OnRecovered()
    {
        var replayed = _replayedAfterSnapshot;
        _replayedAfterSnapshot = null;
        var latest = replayed is { Count: > 0 } ? replayed[^1].Seq : _seq;
        var windowFrom = Math.Max(1, latest - _settings.DedupWindow + 1);
        if (replayed is not null && windowFrom <= _snapshotSeq)
        {
            _windowPending = true;
            ReadJournal(windowFrom, _snapshotSeq).PipeTo(Self,
                success: window => new WindowRead([.. window, .. replayed], latest),
                failure: cause => new Status.Failure(cause));
        }
        else
        {
            foreach (var posted in replayed ?? [])
                Remember(posted, latest);
        }
        _assignedSeq = latest;
        Become(Recovering);
    }

    // Joins answer with read markers and replays, so the room serves nobody until its markers and its window are back.
    private void Recovering()
    {
        Command<ReadMarkersActor.Recovered>(recovered =>
        {
            OnMarkersRecovered(recovered);
            _markersPending = false;
            ServeWhenRecovered();
        });
        Command<WindowRead>(read =>
        {
            foreach (var posted in read.Window)
                Remember(posted, read.Latest);
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
        Command<HistoryRead>(read => SendTo(read.Connection, new Deliver(read.Frame)));
        Command<WhereAreYou>(_ => Sender.Tell(new RoomLocation(_room, ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString())));
        Command<ReceiveTimeout>(_ => PassivateWhenIdle());
        Command<StopWhenIdle>(_ =>
        {
            // The shard holds new messages back from here on; finish any write first so every sender gets its ack.
            // Members who joined meanwhile see the room stop and join its next incarnation.
            _stopRequested = true;
            if (!_writing)
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
                Broadcast(new Deliver(ServerFrames.Presence(_room, join.User, joined: true)), except: [connection]);
        }
        SetReceiveTimeout(null);

        // Sends the connection lost track of that were stored after all: ack them before the replay, and leave
        // them out of it, so the sender hears of its messages as acks only, in seq order.
        HashSet<long>? alreadyAcked = null;
        foreach (var id in join.Unacked ?? [])
        {
            if (_sentIds.TryGet(join.User, id, out var sent))
            {
                SendTo(connection, new Acked(_room, id, sent.Seq, ServerFrames.Ack(_room, id, sent.Seq, sent.Timestamp)));
                (alreadyAcked ??= []).Add(sent.Seq);
            }
        }

        var (from, truncated) = ReplayStart(join.Since);
        // A crowd is named only up to MaxMembersListed, so that no frame grows with the room; memberCount says how many.
        // The joiner first: it sees itself present however large the crowd.
        var listed = _members.Users.Where(user => user != join.User).Prepend(join.User).Take(_settings.MaxMembersListed).ToList();
        var joined = ServerFrames.Joined(_room, _seq, listed, _members.UserCount, _recent.Frames(from, _seq, alreadyAcked), truncated);

        // One read frame per listed user with a marker, in the answer itself: a room of thousands does not fill the
        // joiner's queue with frames it asked for, and the answer to a retried join, dropped, takes them with it.
        var reads = new List<byte[]>();
        foreach (var user in listed)
        {
            if (_readMarkers.TryGetValue(user, out var read))
                reads.Add(ServerFrames.Read(_room, user, read));
        }
        // The hub of the connection's node starts handing it this incarnation's fan-out from here on.
        var answer = new JoinedRoom(_room, _seq, joined, reads.Count > 0 ? reads : null);
        _hubs.Send(_members.HubOf(connection)!, new HubAdmit(connection, answer), answer, Self);
    }

    /// <summary>Where a join's replay starts: the latest page without <c>since</c>, else everything after it up to the replay limit.</summary>
    private (long From, bool Truncated) ReplayStart(long? since)
    {
        if (since is null)
            return (_recent.FirstSeqWithin(Math.Max(1, _seq - Limits.JoinBacklog + 1), _seq, _settings.ReplayMaxBytes), false);
        if (since.Value >= _seq)
            return (_seq + 1, false);
        var from = since.Value + 1;
        var limitedFrom = Math.Max(from, _seq - _settings.ReplayLimit + 1);
        var start = _recent.FirstSeqWithin(limitedFrom, _seq, _settings.ReplayMaxBytes);
        return (start, start > from);
    }

    private void RemoveMember(IActorRef connection, bool answer)
    {
        object? left = answer ? new LeftRoom(_room, ServerFrames.Left(_room)) : null;
        if (_members.HubOf(connection) is not { } hub)
        {
            if (left is not null)
                connection.Tell(left);
            return;
        }
        hub.Tell(new HubDismiss(connection, left));
        Context.Unwatch(connection);
        if (_members.Remove(connection) is { } lastOfUser)
        {
            _typingRelayedAt.Remove(lastOfUser);
            Broadcast(new Deliver(ServerFrames.Presence(_room, lastOfUser, joined: false)), except: [connection]);
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
        if (_sentIds.TryGet(post.User, post.Id, out var sent))
        {
            SendTo(Sender, new Acked(_room, post.Id, sent.Seq, ServerFrames.Ack(_room, post.Id, sent.Seq, sent.Timestamp)));
            return;
        }
        if (_unstored.TryGetValue((post.User, post.Id), out var pending))
        {
            if (!pending.Senders.Contains(Sender))
                pending.Senders.Add(Sender);
            return;
        }

        var posted = new MessagePosted(++_assignedSeq, post.Id, post.User, post.Text, DateTimeOffset.UtcNow);
        var waiting = new PendingPost(posted, [Sender], Stopwatch.GetTimestamp());
        _unstored.Add((post.User, post.Id), waiting);
        _waiting.Add(waiting);
        if (!_writing)
            WriteWaiting();
    }

    private void WriteWaiting()
    {
        var batch = _waiting;
        _waiting = [];
        _writing = true;
        var remaining = batch.Count;
        var started = Stopwatch.GetTimestamp();
        PersistAllAsync(batch.Select(pending => pending.Event), posted =>
        {
            _unstored.Remove((posted.From, posted.Id), out var pending);
            var frame = Apply(posted);
            ChatMetrics.MessagesStored.Add(1);

            var ack = new Acked(_room, posted.Id, posted.Seq, ServerFrames.Ack(_room, posted.Id, posted.Seq, posted.Timestamp));
            IReadOnlyList<IActorRef> senders = pending?.Senders ?? [];
            foreach (var sender in senders)
                SendTo(sender, ack);
            if (pending is not null)
                ChatMetrics.FanoutDelay.Record(Stopwatch.GetElapsedTime(pending.AcceptedAt).TotalMilliseconds);
            Broadcast(new DeliverSequenced(_room, posted.Seq, frame), except: senders);

            if (--remaining == 0)
            {
                ChatMetrics.JournalWriteDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                OnBatchStored();
            }
        });
    }

    private void OnBatchStored()
    {
        _writing = false;
        if (_seq - _snapshotSeq >= _settings.SnapshotEvery)
        {
            _snapshotSeq = _seq;
            SaveSnapshot(new RoomSnapshot(_seq));
        }
        if (_waiting.Count > 0)
            WriteWaiting();
        else if (_stopRequested)
            Context.Stop(Self);
        else
            ScheduleIdleStopIfEmpty();
    }

    private byte[] Apply(MessagePosted posted)
    {
        var frame = ServerFrames.Message(_room, posted.ToMessage());
        _recent.Add(posted.Seq, frame);
        _sentIds.Add(posted);
        _seq = posted.Seq;
        return frame;
    }

    /// <summary>Takes in a recovered message; only those the in-memory tail will keep, up to <paramref name="latest"/>, get a frame.</summary>
    private void Remember(MessagePosted posted, long latest)
    {
        if (posted.Seq > latest - _recent.Capacity)
            _recent.Add(posted.Seq, ServerFrames.Message(_room, posted.ToMessage()));
        _sentIds.Add(posted);
        _seq = posted.Seq;
    }

    private void OnTyping(Typing typing)
    {
        if (!_members.Contains(Sender))
            return;
        // A client may send typing on every keystroke: the room relays one per user per interval, whatever comes.
        var now = Stopwatch.GetTimestamp();
        if (_typingRelayedAt.TryGetValue(typing.User, out var last) && Stopwatch.GetElapsedTime(last, now) < _settings.TypingInterval)
            return;
        _typingRelayedAt[typing.User] = now;
        Broadcast(new Deliver(ServerFrames.Typing(_room, typing.User)), except: _members.ConnectionsOf(typing.User));
    }

    private void OnMarkRead(MarkRead read)
    {
        if (!_members.Contains(Sender))
            return;
        var seq = Math.Min(read.Seq, _seq);
        if (_readMarkers.GetValueOrDefault(read.User) >= seq)
            return;
        _readMarkers[read.User] = seq;
        Broadcast(new Deliver(ServerFrames.Read(_room, read.User, seq)), except: [Sender]);
        _readMarkerStore.Tell(new ReadMarkersActor.Remember(read.User, seq));
    }

    private void OnMarkersRecovered(ReadMarkersActor.Recovered recovered)
    {
        foreach (var (user, seq) in recovered.Markers)
        {
            if (seq > _readMarkers.GetValueOrDefault(user))
                _readMarkers[user] = seq;
        }
    }

    private void OnGetHistory(GetHistory request)
    {
        var before = Math.Min(request.Before ?? long.MaxValue, _seq + 1);
        var from = Math.Max(1, before - request.Limit);
        var to = before - 1;
        if (to < from || _recent.Covers(from))
        {
            // A page holds at most ReplayMaxBytes of messages, like a replay: the newest of it that fit, and `more`
            // sends the client on from the first one it got. One message always fits, so paging never stalls.
            var start = to < from ? from : Math.Min(to, _recent.FirstSeqWithin(from, to, _settings.ReplayMaxBytes));
            SendTo(Sender, new Deliver(ServerFrames.History(_room, _recent.Frames(start, to), more: start > 1)));
            return;
        }

        // Older than what the room keeps in memory: read that page from the journal, off the room's thread.
        // The page goes back through the room, so it reaches the member on the same path as everything else.
        var (room, connection, maxBytes) = (_room, Sender, _settings.ReplayMaxBytes);
        ReadJournal(from, to).PipeTo(Self,
            success: page => new HistoryRead(connection, HistoryPage(room, page, from, maxBytes)),
            failure: _ => new HistoryRead(connection, ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "history is unavailable right now", room))));
    }

    /// <summary>The newest messages of <paramref name="page"/> within <paramref name="maxBytes"/> (at least one), as a <c>history</c> frame.</summary>
    private static byte[] HistoryPage(string room, IImmutableList<MessagePosted> page, long from, long maxBytes)
    {
        var frames = new List<byte[]>(page.Count);
        long bytes = 0;
        for (var i = page.Count - 1; i >= 0; i--)
        {
            var frame = ServerFrames.Message(room, page[i].ToMessage());
            bytes += frame.Length;
            if (bytes > maxBytes && frames.Count > 0)
                break;
            frames.Add(frame);
        }
        frames.Reverse();
        var first = frames.Count == page.Count ? from : page[page.Count - frames.Count].Seq;
        return ServerFrames.History(room, frames, more: first > 1);
    }

    private Task<IImmutableList<MessagePosted>> ReadJournal(long from, long to) =>
        PersistenceQuery.Get(Context.System)
            .ReadJournalFor<ICurrentEventsByPersistenceIdQuery>(_settings.ReadJournalPluginId)
            .CurrentEventsByPersistenceId(PersistenceId, from, to)
            .Where(envelope => envelope.Event is MessagePosted posted && posted.Seq >= from && posted.Seq <= to)
            .Select(envelope => (MessagePosted)envelope.Event)
            .RunWith(Sink.Seq<MessagePosted>(), _materializer ??= Context.Materializer());

    // Everything for a member goes through the hub of its node: one message per node for a fan-out, and one
    // ordered path from this room to each connection, whether the answer is for one member or for all.
    private void SendTo(IActorRef connection, object delivery)
    {
        if (_members.HubOf(connection) is { } hub)
            _hubs.Send(hub, new HubDirect(connection, delivery), delivery, Self);
        else
            connection.Tell(delivery);
    }

    private void Broadcast(object delivery, IReadOnlyList<IActorRef> except)
    {
        foreach (var hub in _members.Hubs)
            hub.Tell(new HubFanout(ExceptBehind(hub, except), delivery));
    }

    // Each hub is told only of the exceptions it reaches: usually none, or the one sender.
    private IReadOnlyList<IActorRef> ExceptBehind(IActorRef hub, IReadOnlyList<IActorRef> except)
    {
        if (except.Count == 0 || (except.Count == 1 && hub.Equals(_members.HubOf(except[0]))))
            return except;
        return except.Where(connection => hub.Equals(_members.HubOf(connection))).ToArray();
    }

    // Rooms stop themselves only when nobody is in them and nothing is being written; the shard's own
    // idle passivation is off, because a quiet room with members must keep its member list.
    private void ScheduleIdleStopIfEmpty()
    {
        if (_members.Count == 0 && !_writing)
            SetReceiveTimeout(_settings.IdleTimeout);
    }

    private void PassivateWhenIdle()
    {
        SetReceiveTimeout(null);
        if (_members.Count == 0 && !_writing)
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

    /// <summary>A send on its way to the journal; <paramref name="AcceptedAt"/> is the <see cref="Stopwatch"/> timestamp of its arrival.</summary>
    private sealed record PendingPost(MessagePosted Event, List<IActorRef> Senders, long AcceptedAt);

    /// <summary>A history page read from the journal, on its way back to the member that asked.</summary>
    private sealed record HistoryRead(IActorRef Connection, byte[] Frame) : INoSerializationVerificationNeeded;

    /// <summary>The stored window of newest messages, oldest first, read back after a recovery from a snapshot.</summary>
    private sealed record WindowRead(IReadOnlyList<MessagePosted> Window, long Latest) : INoSerializationVerificationNeeded;
}
