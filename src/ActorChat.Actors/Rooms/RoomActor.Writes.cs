using System.Diagnostics;
using ActorChat.Connections;
using ActorChat.Diagnostics;
using ActorChat.Protocol;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Rooms;

// How a room takes sends and changes, and stores them: decided on its thread, written to the journal in batches,
// acked and fanned out once stored, then handed to the message table.
public sealed partial class RoomActor
{
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
            _delivery.SendTo(Sender, new Acked(_room, post.Id, sent.Seq, ServerFrames.Ack(_room, post.Id, sent.Seq, sent.Timestamp, sent.Rev)));
            return;
        }
        if (_pending.TryJoin(post.User, post.Id, Sender))
            return;
        // A reply answers a message that exists: one the room has numbered already.
        if (post.ReplyTo > _assignedSeq)
        {
            _delivery.SendTo(Sender, new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.NotFound, $"no message {post.ReplyTo} in room '{_room}' to reply to", post.Id))));
            return;
        }

        var posted = new MessagePosted(++_assignedSeq, post.Id, post.User, post.Text, _clock.GetUtcNow(), post.ReplyTo, post.Attachment);
        if (_pending.Add(posted, Sender))
            WriteWaiting();
    }

    private void OnChange(ChangeMessage change)
    {
        if (!_members.Contains(Sender))
        {
            Sender.Tell(new NotMember(_room, change.Id));
            _delivery.SendTo(Sender, new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "the room restarted; send the change again", change.Id))));
            return;
        }
        if (change.Seq > _tail.Seq)
        {
            _delivery.SendTo(Sender, new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.NotFound, $"no message {change.Seq} in room '{_room}'", change.Id))));
            return;
        }
        if (AnsweredAlready(change.User, change.Id, Sender))
            return;
        if (_changes.Accept(change, Sender))
        {
            var seq = change.Seq;
            _table.WhenCaughtUp(() => _table.Table.ReadAsync(_room, seq, seq).PipeTo(Self,
                success: rows => new OlderLoaded(seq, rows.Count > 0 ? rows[0] : null, Failed: false),
                failure: _ => new OlderLoaded(seq, null, Failed: true)));
        }
        DecideChanges();
    }

    private void OnOlderLoaded(OlderLoaded loaded)
    {
        foreach (var (change, sender, error) in _changes.Loaded(loaded.Seq, loaded.Row, _table.Rev, loaded.Failed))
            _delivery.SendTo(sender, new Deliver(ServerFrames.Error(error)));
        DecideChanges();
    }

    // A frame stored already is acked again, once the table holds it (a delete's photo is no longer served then); one
    // on its way to the journal is acked with it.
    private bool AnsweredAlready(string user, string id, IActorRef sender)
    {
        if (_tail.TryGetSent(user, id, out var sent))
        {
            var ack = new Deliver(ServerFrames.Ack(_room, id, sent.Seq, sent.Timestamp, sent.Rev));
            _table.WhenCaughtUp(() => _delivery.SendTo(sender, ack));
            return true;
        }
        return _pending.TryJoin(user, id, sender);
    }

    // Changes are decided against stored state only: while a write is in flight they wait for it.
    private void DecideChanges()
    {
        if (_pending.Writing || !_changes.HasWaiting)
            return;
        foreach (var decision in _changes.Decide(_clock.GetUtcNow()))
        {
            if (decision.Answer is { } answer)
                _delivery.SendTo(decision.Sender, new Deliver(answer));
            else if (!AnsweredAlready(decision.Change.User, decision.Change.Id, decision.Sender))
                _pending.Add(decision.Event!, decision.Sender);
        }
        if (_pending.HasWaiting)
            WriteWaiting();
    }

    private void WriteWaiting()
    {
        var batch = _pending.TakeBatch();
        var remaining = batch.Count;
        var started = Stopwatch.GetTimestamp();
        // A deleted message's photo is served until the table holds the deletion. A batch with a delete is announced
        // (acks and frames alike, in their order) only once it does, so that what anyone hears is deleted is no longer
        // served; the room writes nothing else meanwhile. Deletes are rare, and the wait is one table write.
        List<Action>? held = batch.Any(stored => stored is MessageDeleted) ? [] : null;
        PersistAllAsync(batch, stored =>
        {
            var rev = LastSequenceNr;
            var pending = _pending.Stored(stored);
            var frame = _tail.Apply(stored, rev);
            _table.Add(new RevisedEvent(rev, stored));
            if (held is null)
                Announce(stored, rev, frame, pending);
            else
                held.Add(AnnounceLater(stored, rev, frame, pending));
            if (--remaining > 0)
                return;
            ChatMetrics.JournalWriteDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (held is null)
            {
                OnBatchStored();
                return;
            }
            _table.Flush(_tail.Seq);
            _table.WhenCaughtUp(() =>
            {
                foreach (var announce in held)
                    announce();
                OnBatchStored();
            });
        });
    }

    // Made apart from the write's callback, so that the callback of a batch without a delete allocates no closure.
    private Action AnnounceLater(IRoomEvent stored, long rev, byte[] frame, PendingWrite? pending) =>
        () => Announce(stored, rev, frame, pending);

    // A stored event reaches its senders as an ack and everyone else in the room as its frame.
    private void Announce(IRoomEvent stored, long rev, byte[] frame, PendingWrite? pending)
    {
        IReadOnlyList<IActorRef> senders = pending?.Senders ?? [];
        if (stored is MessagePosted posted)
        {
            ChatMetrics.MessagesStored.Add(1);
            var ack = new Acked(_room, posted.Id, posted.Seq, ServerFrames.Ack(_room, posted.Id, posted.Seq, posted.Timestamp, rev));
            foreach (var sender in senders)
                _delivery.SendTo(sender, ack);
            _delivery.Broadcast(new DeliverSequenced(_room, posted.Seq, frame), except: senders);
            // A direct message puts the conversation in both users' room lists, back in it if one forgot it.
            if (_access.IsDirect)
            {
                foreach (var user in _access.Roster)
                    _accounts.Tell(new Accounts.ListRoom(user, _room, RoomKind.Direct));
            }
        }
        else
        {
            SendAck(senders, new Deliver(ServerFrames.Ack(_room, stored.Id, stored.Seq, stored.At, rev)));
            _delivery.Broadcast(new Deliver(frame), except: senders);
        }
        if (pending is not null)
            ChatMetrics.FanoutDelay.Record(Stopwatch.GetElapsedTime(pending.AcceptedAt).TotalMilliseconds);
    }

    private void SendAck(IReadOnlyList<IActorRef> senders, Deliver ack)
    {
        foreach (var sender in senders)
            _delivery.SendTo(sender, ack);
    }

    private void OnBatchStored()
    {
        _pending.BatchStored();
        _table.Flush(_tail.Seq);
        if (_tail.Rev - _snapshotRev >= _settings.SnapshotEvery)
        {
            _snapshotRev = _tail.Rev;
            SaveSnapshot(_access.Snapshot(_tail.Seq));
        }
        DecideChanges();
        if (_pending.Writing)
            return;
        if (_pending.HasWaiting)
            WriteWaiting();
        else if (_stopRequested)
            Context.Stop(Self);
        else
            ScheduleIdleStopIfEmpty();
    }

    /// <summary>An older message read from the table for a change to it; null when it is not there or could not be read.</summary>
    private sealed record OlderLoaded(long Seq, MessageRow? Row, bool Failed) : INoSerializationVerificationNeeded;
}
