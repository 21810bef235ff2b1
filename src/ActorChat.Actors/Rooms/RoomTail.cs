using ActorChat.Protocol;
using ActorChat.Storage;

namespace ActorChat.Rooms;

/// <summary>
/// The newest part of a room's log, in memory: its latest seq and revision, its newest messages in their current
/// state (for replays and pages), the frames of its newest events (for a resume by revision), which (user, id) pairs
/// it stored (so a retried frame is acked, never stored twice), and the older messages it changed or was asked to.
/// </summary>
internal sealed class RoomTail(string room, RoomSettings settings)
{
    /// <summary>Older messages kept after a change, until the message table has that change too.</summary>
    private const int OlderKept = 1000;

    private readonly SentIds _sent = new(settings.DedupWindow);
    private readonly Dictionary<long, MessageState> _older = [];

    /// <summary>The seq of the newest stored message; 0 in an empty room.</summary>
    public long Seq { get; private set; }

    /// <summary>The revision of the newest stored event; 0 in an empty room.</summary>
    public long Rev { get; private set; }

    public RecentMessages Recent { get; } = new(settings.ReplayLimit);

    public RecentEvents Events { get; } = new(settings.ReplayLimit);

    public bool TryGetSent(string user, string id, out SentId sent) => _sent.TryGet(user, id, out sent);

    /// <summary>The current state of message <paramref name="seq"/>, when the room holds it in memory.</summary>
    public bool TryFind(long seq, out MessageState message)
    {
        if (Recent.TryGet(seq, out message))
            return true;
        return _older.TryGetValue(seq, out message!);
    }

    /// <summary>Takes in an older message read back from the table, unless the room holds a newer state of it already.</summary>
    public MessageState Adopt(MessageState loaded, long tableRev)
    {
        if (TryFind(loaded.Seq, out var held))
            return held;
        if (_older.Count >= OlderKept)
        {
            // Only what the table has caught up with may go: the table gives the same state back.
            foreach (var (seq, state) in _older.Where(entry => entry.Value.Rev <= tableRev).ToList())
                _older.Remove(seq);
        }
        _older[loaded.Seq] = loaded;
        return loaded;
    }

    /// <summary>Takes in an event just stored at <paramref name="rev"/>; returns the frame that announces it.</summary>
    public byte[] Apply(IRoomEvent stored, long rev)
    {
        byte[] frame;
        if (stored is MessagePosted posted)
        {
            var message = new MessageState(room, posted, rev);
            Recent.Add(message);
            Seq = posted.Seq;
            frame = message.Frame;
        }
        else if (stored is IAccessChange access)
        {
            frame = access switch
            {
                MemberInvited invited => ServerFrames.Member(room, rev, invited.Member, invited: true, invited.User),
                MemberRemoved removed => ServerFrames.Member(room, rev, removed.Member, invited: false, removed.User),
                IModerationChange moderation => ServerFrames.Moderation(room, rev, moderation),
                _ => [],
            };
        }
        else
        {
            var change = (IMessageChange)stored;
            if (TryFind(change.Seq, out var message))
                message.Apply(change, rev);
            frame = change switch
            {
                MessageEdited edited => ServerFrames.Edited(room, edited.Seq, rev, edited.Text, edited.At),
                MessageDeleted deleted => ServerFrames.Deleted(room, deleted.Seq, rev, message?.Moderated ?? false),
                ReactionAdded added => ServerFrames.Reaction(room, added.Seq, rev, added.User, added.Emoji, added: true, message?.CountOf(added.Emoji) ?? 0),
                ReactionRemoved removed => ServerFrames.Reaction(room, removed.Seq, rev, removed.User, removed.Emoji, added: false, message?.CountOf(removed.Emoji) ?? 0),
                _ => throw new ArgumentException($"unknown room event {stored.GetType()}", nameof(stored)),
            };
        }
        if (stored.Id.Length > 0)
            _sent.Add(stored.User, stored.Id, new SentId(stored.Seq, rev, stored.At.UtcTicks));
        Rev = rev;
        // A change replayed on recovery to a message the room no longer holds has no count to announce: resumes
        // start after it.
        if ((stored is IMessageChange && !TryFind(stored.Seq, out _)) || frame.Length == 0)
            Events.StartAfter(rev);
        else
            Events.Add(rev, frame);
        return frame;
    }

    /// <summary>Takes in a message read back from the table on recovery, oldest first; only those the tail keeps get a state.</summary>
    public void Restore(MessageRow row, long latest)
    {
        if (row.Seq > latest - Recent.Capacity)
            Recent.Add(MessageState.Of(room, row));
        _sent.Add(row.From, row.Id, new SentId(row.Seq, row.PostedRev, row.Timestamp.UtcTicks));
        Seq = Math.Max(Seq, row.Seq);
    }

    /// <summary>Remembers the id of a change (to a message, or the room's moderation) replayed on recovery, so that a retry of it is acked, not applied again.</summary>
    public void RememberChange(IRoomEvent change, long rev) =>
        _sent.Add(change.User, change.Id, new SentId(change.Seq, rev, change.At.UtcTicks));

    /// <summary>Remembers the id of a change read back from the table on recovery.</summary>
    public void RememberChange(ChangeRow change) =>
        _sent.Add(change.User, change.Id, new SentId(change.Seq, change.Rev, change.At.UtcTicks));

    /// <summary>Starts from a recovered numbering: resumes by revision reach back no further than <paramref name="rev"/>.</summary>
    public void Restore(long seq, long rev)
    {
        Seq = seq;
        Rev = rev;
        Events.StartAfter(rev);
    }
}
