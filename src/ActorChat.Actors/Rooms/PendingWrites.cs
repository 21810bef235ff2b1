using System.Diagnostics;
using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>
/// The events a room has decided but not yet stored: numbered sends, and changes to messages. While one write is in
/// flight the next events wait, and go to the journal together as one write; a retried frame (same user and id)
/// joins the one on its way instead of being stored twice.
/// </summary>
internal sealed class PendingWrites
{
    private readonly Dictionary<(string User, string Id), PendingWrite> _unstored = [];
    private List<PendingWrite> _waiting = [];

    /// <summary>True while a write is in flight.</summary>
    public bool Writing { get; private set; }

    public bool HasWaiting => _waiting.Count > 0;

    /// <summary>True when the frame <paramref name="id"/> of <paramref name="user"/> is on its way; <paramref name="sender"/> hears of it too.</summary>
    public bool TryJoin(string user, string id, IActorRef sender)
    {
        if (!_unstored.TryGetValue((user, id), out var pending))
            return false;
        if (!pending.Senders.Contains(sender))
            pending.Senders.Add(sender);
        return true;
    }

    /// <summary>Queues an event; true when no write is in flight, so the caller starts one.</summary>
    public bool Add(IRoomEvent decided, IActorRef sender)
    {
        var pending = new PendingWrite(decided, [sender], Stopwatch.GetTimestamp());
        _unstored.Add((decided.User, decided.Id), pending);
        _waiting.Add(pending);
        return !Writing;
    }

    /// <summary>The events that go into the next write, which is in flight from now on.</summary>
    public IReadOnlyList<IRoomEvent> TakeBatch()
    {
        var batch = _waiting;
        _waiting = [];
        Writing = true;
        return batch.ConvertAll(pending => pending.Event);
    }

    /// <summary>The event <paramref name="stored"/> is stored: who to ack, and since when it waited.</summary>
    public PendingWrite? Stored(IRoomEvent stored) =>
        _unstored.Remove((stored.User, stored.Id), out var pending) ? pending : null;

    public void BatchStored() => Writing = false;
}

/// <summary>An event on its way to the journal; <paramref name="AcceptedAt"/> is the <see cref="Stopwatch"/> timestamp of its arrival.</summary>
internal sealed record PendingWrite(IRoomEvent Event, List<IActorRef> Senders, long AcceptedAt);
