using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// What one connection knows of one room it joined: the room's current incarnation, how far the connection got,
/// and the sends and moderations the room has not acknowledged yet. Joins and those are retried until answered; room
/// ids and dedup by (user, id) make every retry safe.
/// </summary>
internal sealed class RoomSession(string room, long? since, IActorRef hub)
{
    private readonly OrderedDictionary<string, (IAcknowledgedCommand Command, long SentAt, long ReceivedAt)> _unacked = new(StringComparer.Ordinal);

    public string Room { get; } = room;

    /// <summary>The room actor that answered the last join; null while a join is on its way.</summary>
    public IActorRef? Incarnation { get; private set; }

    /// <summary>The highest seq delivered to the client (message or ack).</summary>
    public long LastSeq { get; private set; }

    /// <summary>Joins the client asked for whose <c>joined</c> has not come back yet.</summary>
    public int ClientJoinsAwaited { get; set; } = 1;

    public long JoinSentAt { get; private set; }

    /// <summary>Joins sent since the room last answered one.</summary>
    public int JoinAttempts { get; private set; }

    public bool HasUnacked => _unacked.Count > 0;

    /// <summary>True when <paramref name="id"/> would be one more send waiting for its ack than <paramref name="max"/> allows.</summary>
    public bool WouldExceed(string id, int max) => _unacked.Count >= max && !_unacked.ContainsKey(id);

    /// <summary>The <c>since</c> of the last join the server sent on its own; null before the first.</summary>
    public long? RejoinSince { get; private set; }

    /// <summary>What to send to join (or join again): from the client's own <c>since</c> until something arrived.</summary>
    public Join JoinCommand(string user, long now)
    {
        JoinSent(now);
        var from = LastSeq > 0 ? LastSeq : since;
        RejoinSince = from ?? 0;
        return new Join(Room, user, from, hub, _unacked.Count > 0 ? [.. _unacked.Keys] : null, Create: Create);
    }

    /// <summary>
    /// True when messages reached the client after the server's own rejoin went out (late ones of the room's previous
    /// incarnation): the answer's replay, from that rejoin's <c>since</c>, would repeat them.
    /// </summary>
    public bool OverlapsReplay => RejoinSince is { } from && LastSeq > from;

    /// <summary>Set while the client's <c>create</c> is unanswered (true: private), so that every retry still creates.</summary>
    public bool? Create { get; set; }

    public void JoinSent(long now)
    {
        JoinSentAt = now;
        JoinAttempts++;
    }

    public void Seen(long seq) => LastSeq = Math.Max(LastSeq, seq);

    /// <summary>The room answered a join; true when it is a new incarnation, whose members must be sent the backlog.</summary>
    public bool Answered(IActorRef incarnation)
    {
        var isNew = !incarnation.Equals(Incarnation);
        Incarnation = incarnation;
        Create = null;
        JoinAttempts = 0;
        return isNew;
    }

    /// <summary>The room stopped under us: wait for the next incarnation.</summary>
    public void Lost() => Incarnation = null;

    /// <summary>Records a send (or moderation); true when it should go out now (the room is known), false when it waits for the join.</summary>
    public bool Add(IAcknowledgedCommand command, long now)
    {
        var receivedAt = _unacked.TryGetValue(command.Id, out var earlier) ? earlier.ReceivedAt : now;
        _unacked[command.Id] = (command, Incarnation is null ? 0 : now, receivedAt);
        return Incarnation is not null;
    }

    /// <summary>True when the ack answers a send of this connection still waiting for it.</summary>
    public bool Acknowledge(string id, long seq)
    {
        Seen(seq);
        return _unacked.Remove(id);
    }

    /// <summary>The commands to (re)send now: all that never went or went longer ago than <paramref name="retryAfter"/>.</summary>
    public IEnumerable<IAcknowledgedCommand> Due(long now, long retryAfter)
    {
        var due = _unacked.Where(entry => now - entry.Value.SentAt >= retryAfter).Select(entry => entry.Value.Command).ToList();
        foreach (var command in due)
            _unacked[command.Id] = (command, now, _unacked[command.Id].ReceivedAt);
        return due;
    }

    /// <summary>Stops waiting for the ack of send <paramref name="id"/>: the room refused it.</summary>
    public void Forget(string id) => _unacked.Remove(id);

    /// <summary>Gives up on the sends the client made longer ago than <paramref name="deadline"/>; returns their ids.</summary>
    public IReadOnlyList<string> Expire(long now, long deadline)
    {
        var expired = _unacked.Where(entry => now - entry.Value.ReceivedAt >= deadline).Select(entry => entry.Key).ToList();
        foreach (var id in expired)
            _unacked.Remove(id);
        return expired;
    }
}
