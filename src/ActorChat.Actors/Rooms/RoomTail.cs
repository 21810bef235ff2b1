using ActorChat.Protocol;

namespace ActorChat.Rooms;

/// <summary>
/// The newest part of a room's log, in memory: its latest seq, the frames of its newest messages (for replays and
/// pages), and which (user, id) pairs it stored (so a retried send is acked, never stored twice).
/// </summary>
internal sealed class RoomTail(string room, RoomSettings settings)
{
    private readonly SentIds _sent = new(settings.DedupWindow);

    /// <summary>The seq of the newest stored message; 0 in an empty room.</summary>
    public long Seq { get; private set; }

    public RecentMessages Recent { get; } = new(settings.ReplayLimit);

    public bool TryGetSent(string user, string id, out SentId sent) => _sent.TryGet(user, id, out sent);

    /// <summary>Takes in a message just stored; returns its frame, for the fan-out.</summary>
    public byte[] Append(MessagePosted posted)
    {
        var frame = ServerFrames.Message(room, posted.ToMessage());
        Recent.Add(posted.Seq, frame);
        _sent.Add(posted);
        Seq = posted.Seq;
        return frame;
    }

    /// <summary>Takes in a recovered message; only those the tail will keep, up to <paramref name="latest"/>, get a frame.</summary>
    public void Remember(MessagePosted posted, long latest)
    {
        if (posted.Seq > latest - Recent.Capacity)
            Recent.Add(posted.Seq, ServerFrames.Message(room, posted.ToMessage()));
        _sent.Add(posted);
        Seq = posted.Seq;
    }

    /// <summary>Starts from a snapshot's numbering.</summary>
    public void Restore(long seq) => Seq = seq;
}
