using System.Diagnostics;
using ActorChat.Connections;
using ActorChat.Diagnostics;
using ActorChat.Protocol;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>
/// How a room takes sends and changes and stores them: each is decided on the room's thread and numbered, written to
/// the journal in batches (<see cref="PendingWrites"/>), acked to its senders and fanned out to everyone else once
/// stored, then handed to the message table. Owns the numbering ahead of the journal, the changes waiting for a
/// decision (<see cref="MessageChanges"/>), and when the next snapshot is due.
/// </summary>
internal sealed class RoomWrites(string room, RoomSettings settings, RoomTail tail, RoomTable table, RoomMembers members,
    RoomDelivery delivery, RoomAccess access, RoomModeration moderation, IActorRef accounts, TimeProvider clock, IRoomJournal journal, IActorRef self)
{
    /// <summary>An older message read from the table for a change to it; null when it is not there or could not be read.</summary>
    public sealed record OlderLoaded(long Seq, MessageRow? Row, bool Failed) : INoSerializationVerificationNeeded;

    private readonly PendingWrites _pending = new();
    private readonly MessageChanges _changes = new(room, tail, user => moderation.Moderates(user, admin: false));
    private long _assignedSeq;
    private long _snapshotRev;

    /// <summary>True while a write is in flight.</summary>
    public bool Writing => _pending.Writing;

    /// <summary>The room recovered: numbering goes on from its tail, and the next snapshot counts from the last one.</summary>
    public void Recovered(long snapshotRev)
    {
        _assignedSeq = tail.Seq;
        _snapshotRev = snapshotRev;
    }

    public void Post(Post post, IActorRef sender)
    {
        if (!members.Contains(sender))
        {
            // A connection that believes it is a member while the room does not: the room restarted or moved.
            sender.Tell(new NotMember(room, post.Id));
            return;
        }
        if (tail.TryGetSent(post.User, post.Id, out var sent))
        {
            delivery.SendTo(sender, new Acked(room, post.Id, sent.Seq, ServerFrames.Ack(room, post.Id, sent.Seq, sent.Timestamp, sent.Rev)));
            return;
        }
        if (_pending.TryJoin(post.User, post.Id, sender))
            return;
        var now = clock.GetUtcNow();
        // A reply answers a message that exists: one the room has numbered already.
        if (post.ReplyTo > _assignedSeq)
        {
            Refuse(sender, post.Id, ErrorCodes.NotFound, $"no message {post.ReplyTo} in room '{room}' to reply to");
            return;
        }
        if (moderation.MutedUntil(post.User, now) is { } muted)
        {
            Refuse(sender, post.Id, ErrorCodes.Forbidden, $"you are muted in room '{room}' until {ServerFrames.FormatTimestamp(muted)}");
            return;
        }
        if (moderation.SlowedUntil(post.User, now) is { } slowed)
        {
            Refuse(sender, post.Id, ErrorCodes.RateLimited,
                $"slow mode: one message every {moderation.SlowModeSeconds} s in room '{room}'; next at {ServerFrames.FormatTimestamp(slowed)}");
            return;
        }
        moderation.Posted(post.User, now);
        var posted = new MessagePosted(++_assignedSeq, post.Id, post.User, post.Text, now, post.ReplyTo, post.Attachment);
        if (_pending.Add(posted, sender))
            WriteWaiting();
    }

    // A send refused for good: the connection stops retrying it, and the client hears why.
    private void Refuse(IActorRef sender, string id, string code, string message) =>
        delivery.SendTo(sender, new SendRefused(room, id, ServerFrames.Error(new ProtocolError(code, message, id))));

    public void Change(ChangeMessage change, IActorRef sender)
    {
        if (!members.Contains(sender))
        {
            sender.Tell(new NotMember(room, change.Id));
            delivery.SendTo(sender, new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "the room restarted; send the change again", change.Id))));
            return;
        }
        if (change.Seq > tail.Seq)
        {
            delivery.SendTo(sender, new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.NotFound, $"no message {change.Seq} in room '{room}'", change.Id))));
            return;
        }
        if (AnsweredAlready(change.User, change.Id, sender))
            return;
        // Muted: neither a new text nor a reaction; deleting one's own message is still allowed.
        if (change.Kind != ChangeKind.Delete && moderation.MutedUntil(change.User, clock.GetUtcNow()) is { } muted)
        {
            delivery.SendTo(sender, new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Forbidden,
                $"you are muted in room '{room}' until {ServerFrames.FormatTimestamp(muted)}", change.Id))));
            return;
        }
        if (_changes.Accept(change, sender))
        {
            var seq = change.Seq;
            table.WhenCaughtUp(() => table.Table.ReadAsync(room, seq, seq).PipeTo(self,
                success: rows => new OlderLoaded(seq, rows.Count > 0 ? rows[0] : null, Failed: false),
                failure: _ => new OlderLoaded(seq, null, Failed: true)));
        }
        DecideChanges();
    }

    public void Loaded(OlderLoaded loaded)
    {
        foreach (var (_, sender, error) in _changes.Loaded(loaded.Seq, loaded.Row, table.Rev, loaded.Failed))
            delivery.SendTo(sender, new Deliver(ServerFrames.Error(error)));
        DecideChanges();
    }

    // A frame stored already is acked again, once the table holds it (a delete's photo is no longer served then); one
    // on its way to the journal is acked with it.
    private bool AnsweredAlready(string user, string id, IActorRef sender)
    {
        if (tail.TryGetSent(user, id, out var sent))
        {
            var ack = new Deliver(ServerFrames.Ack(room, id, sent.Seq, sent.Timestamp, sent.Rev));
            table.WhenCaughtUp(() => delivery.SendTo(sender, ack));
            return true;
        }
        return _pending.TryJoin(user, id, sender);
    }

    // Changes are decided against stored state only: while a write is in flight they wait for it.
    private void DecideChanges()
    {
        if (_pending.Writing || !_changes.HasWaiting)
            return;
        foreach (var decision in _changes.Decide(clock.GetUtcNow()))
        {
            if (decision.Answer is { } answer)
                delivery.SendTo(decision.Sender, new Deliver(answer));
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
        journal.PersistAll(batch, stored =>
        {
            var rev = journal.LastSequenceNr;
            var pending = _pending.Stored(stored);
            var frame = tail.Apply(stored, rev);
            table.Add(new RevisedEvent(rev, stored));
            if (held is null)
                Announce(stored, rev, frame, pending);
            else
                held.Add(AnnounceLater(stored, rev, frame, pending));
            if (--remaining > 0)
                return;
            ChatMetrics.JournalWriteDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (held is null)
            {
                BatchStored();
                return;
            }
            table.Flush(tail.Seq);
            table.WhenCaughtUp(() =>
            {
                foreach (var announce in held)
                    announce();
                BatchStored();
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
            var ack = new Acked(room, posted.Id, posted.Seq, ServerFrames.Ack(room, posted.Id, posted.Seq, posted.Timestamp, rev));
            foreach (var sender in senders)
                delivery.SendTo(sender, ack);
            delivery.Broadcast(new DeliverSequenced(room, posted.Seq, frame), except: senders);
            // A direct message puts the conversation in both users' room lists, back in it if one forgot it.
            if (access.IsDirect)
            {
                foreach (var user in access.Roster)
                    accounts.Tell(new Accounts.ListRoom(user, room, RoomKind.Direct));
            }
        }
        else
        {
            var ack = new Deliver(ServerFrames.Ack(room, stored.Id, stored.Seq, stored.At, rev));
            foreach (var sender in senders)
                delivery.SendTo(sender, ack);
            delivery.Broadcast(new Deliver(frame), except: senders);
        }
        if (pending is not null)
            ChatMetrics.FanoutDelay.Record(Stopwatch.GetElapsedTime(pending.AcceptedAt).TotalMilliseconds);
    }

    private void BatchStored()
    {
        _pending.BatchStored();
        table.Flush(tail.Seq);
        if (tail.Rev - _snapshotRev >= settings.SnapshotEvery)
        {
            _snapshotRev = tail.Rev;
            journal.SaveSnapshot(access.Snapshot(tail.Seq) with { Moderation = moderation.Snapshot(clock.GetUtcNow()) });
        }
        DecideChanges();
        if (_pending.Writing)
            return;
        if (_pending.HasWaiting)
            WriteWaiting();
        else
            journal.WritesSettled();
    }
}
