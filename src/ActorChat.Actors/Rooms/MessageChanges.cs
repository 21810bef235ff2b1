using ActorChat.Protocol;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>
/// The rules for changing a stored message, and the changes waiting to be decided. A change is decided against the
/// message's stored state: while a write is in flight it waits for the next one, and a message older than the room
/// holds in memory is read from the message table first. Within one write each message takes one change, so every
/// decision sees the state the changes before it left. A message's sender edits and deletes it; the room's moderators
/// and owners (<paramref name="moderates"/>) delete any message.
/// </summary>
internal sealed class MessageChanges(string room, RoomTail tail, Func<string, bool> moderates)
{
    /// <summary>Most distinct emoji one message can have.</summary>
    public const int MaxEmojiPerMessage = 20;

    /// <summary>Most reactions one user can have on one message.</summary>
    public const int MaxReactionsPerUser = 10;

    private List<(ChangeMessage Change, IActorRef Sender)> _waiting = [];
    private readonly Dictionary<long, List<(ChangeMessage Change, IActorRef Sender)>> _loading = [];

    public bool HasWaiting => _waiting.Count > 0;

    /// <summary>Takes in a change; true when its message must first be read from the table (the caller starts it).</summary>
    public bool Accept(ChangeMessage change, IActorRef sender)
    {
        if (_loading.TryGetValue(change.Seq, out var loading))
        {
            loading.Add((change, sender));
            return false;
        }
        if (!tail.TryFind(change.Seq, out _))
        {
            _loading[change.Seq] = [(change, sender)];
            return true;
        }
        _waiting.Add((change, sender));
        return false;
    }

    /// <summary>
    /// Message <paramref name="seq"/> was read from the table (null: it is not there, or could not be read): its changes
    /// wait their turn. Returns those that cannot be decided, each with the error that answers it.
    /// </summary>
    public IReadOnlyList<(ChangeMessage Change, IActorRef Sender, ProtocolError Error)> Loaded(long seq, MessageRow? row, long tableRev, bool failed)
    {
        if (!_loading.Remove(seq, out var changes))
            return [];
        if (row is null)
        {
            var error = failed
                ? (ErrorCodes.Unavailable, "the message could not be read right now; try again")
                : (ErrorCodes.NotFound, $"no message {seq} in room '{room}'");
            return changes.ConvertAll(c => (c.Change, c.Sender, new ProtocolError(error.Item1, error.Item2, c.Change.Id)));
        }
        tail.Adopt(MessageState.Of(room, row), tableRev);
        _waiting.AddRange(changes);
        return [];
    }

    /// <summary>
    /// Decides the waiting changes whose messages have none decided in this round; the others wait for the next.
    /// </summary>
    public List<Decision> Decide(DateTimeOffset now)
    {
        var decided = new List<Decision>();
        var touched = new HashSet<long>();
        var later = new List<(ChangeMessage, IActorRef)>();
        foreach (var (change, sender) in _waiting)
        {
            if (!touched.Add(change.Seq))
            {
                later.Add((change, sender));
                continue;
            }
            decided.Add(Decide(change, sender, now));
        }
        _waiting = later;
        return decided;
    }

    private Decision Decide(ChangeMessage change, IActorRef sender, DateTimeOffset now)
    {
        if (!tail.TryFind(change.Seq, out var message))
            return Refuse(ErrorCodes.NotFound, $"no message {change.Seq} in room '{room}'");
        var own = message.From == change.User;
        switch (change.Kind)
        {
            case ChangeKind.Edit when !own:
                return Refuse(ErrorCodes.Forbidden, "only its sender can edit a message");
            case ChangeKind.Edit when message.Deleted:
                return Refuse(ErrorCodes.NotFound, $"message {change.Seq} was deleted");
            case ChangeKind.Edit:
                return Store(new MessageEdited(change.Seq, change.Id, change.User, change.Value, now));
            case ChangeKind.Delete when !own && !moderates(change.User):
                return Refuse(ErrorCodes.Forbidden, "only its sender or the room's moderators can delete a message");
            case ChangeKind.Delete when message.Deleted:
                return Unchanged();
            case ChangeKind.Delete:
                return Store(new MessageDeleted(change.Seq, change.Id, change.User, now));
            case ChangeKind.React when message.Deleted:
                return Refuse(ErrorCodes.NotFound, $"message {change.Seq} was deleted");
            case ChangeKind.React when message.HasReaction(change.User, change.Value):
                return Unchanged();
            case ChangeKind.React when message.ReactionsOf(change.User) >= MaxReactionsPerUser:
                return Refuse(ErrorCodes.LimitReached, $"a user can add at most {MaxReactionsPerUser} reactions to one message");
            case ChangeKind.React when !message.HasEmoji(change.Value) && message.EmojiCount >= MaxEmojiPerMessage:
                return Refuse(ErrorCodes.LimitReached, $"a message can have at most {MaxEmojiPerMessage} different emoji");
            case ChangeKind.React:
                return Store(new ReactionAdded(change.Seq, change.Id, change.User, change.Value, now));
            case ChangeKind.Unreact when !message.HasReaction(change.User, change.Value):
                return Unchanged();
            default:
                return Store(new ReactionRemoved(change.Seq, change.Id, change.User, change.Value, now));
        }

        Decision Store(IMessageChange stored) => new(change, sender, stored, null);

        Decision Refuse(string code, string text) =>
            new(change, sender, null, ServerFrames.Error(new ProtocolError(code, text, change.Id)));

        // Nothing to store: the message already is as asked. The ack names the revision that made it so.
        Decision Unchanged() => new(change, sender, null, ServerFrames.Ack(room, change.Id, change.Seq, now, message.Rev));
    }

    /// <summary>What became of one change: an event to store, or the frame that answers it at once.</summary>
    public sealed record Decision(ChangeMessage Change, IActorRef Sender, IMessageChange? Event, byte[]? Answer);
}
