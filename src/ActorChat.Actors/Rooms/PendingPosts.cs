using System.Diagnostics;
using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>
/// The sends a room has numbered but not yet stored. While one write is in flight the next sends wait, and go to
/// the journal together as one write; a retried send (same user and id) joins the one on its way instead of
/// being numbered twice.
/// </summary>
internal sealed class PendingPosts
{
    private readonly Dictionary<(string User, string Id), PendingPost> _unstored = [];
    private List<PendingPost> _waiting = [];

    /// <summary>True while a write is in flight.</summary>
    public bool Writing { get; private set; }

    public bool HasWaiting => _waiting.Count > 0;

    /// <summary>True when the send <paramref name="id"/> of <paramref name="user"/> is on its way; <paramref name="sender"/> hears of it too.</summary>
    public bool TryJoin(string user, string id, IActorRef sender)
    {
        if (!_unstored.TryGetValue((user, id), out var pending))
            return false;
        if (!pending.Senders.Contains(sender))
            pending.Senders.Add(sender);
        return true;
    }

    /// <summary>Queues a numbered send; true when no write is in flight, so the caller starts one.</summary>
    public bool Add(MessagePosted posted, IActorRef sender)
    {
        var pending = new PendingPost(posted, [sender], Stopwatch.GetTimestamp());
        _unstored.Add((posted.From, posted.Id), pending);
        _waiting.Add(pending);
        return !Writing;
    }

    /// <summary>The sends that go into the next write, which is in flight from now on.</summary>
    public IReadOnlyList<MessagePosted> TakeBatch()
    {
        var batch = _waiting;
        _waiting = [];
        Writing = true;
        return batch.ConvertAll(pending => pending.Event);
    }

    /// <summary>The send <paramref name="posted"/> is stored: who to ack, and since when it waited.</summary>
    public PendingPost? Stored(MessagePosted posted) =>
        _unstored.Remove((posted.From, posted.Id), out var pending) ? pending : null;

    public void BatchStored() => Writing = false;
}

/// <summary>A send on its way to the journal; <paramref name="AcceptedAt"/> is the <see cref="Stopwatch"/> timestamp of its arrival.</summary>
internal sealed record PendingPost(MessagePosted Event, List<IActorRef> Senders, long AcceptedAt);
