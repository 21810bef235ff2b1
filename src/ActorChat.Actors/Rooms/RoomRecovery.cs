namespace ActorChat.Rooms;

/// <summary>
/// Brings a room's tail back from its journal. Only the numbering is in a snapshot: the window of newest messages
/// before it, which fills the tail and drops retried sends, is read back from the journal. Its size is fixed, so
/// recovery costs the same whether the room holds a thousand messages or a million.
/// </summary>
internal sealed class RoomRecovery(RoomTail tail, int dedupWindow)
{
    private List<MessagePosted>? _afterSnapshot;

    /// <summary>The journal sequence number of the snapshot recovered from; 0 without one.</summary>
    public long SnapshotSeq { get; private set; }

    public void Snapshot(RoomSnapshot snapshot, long journalSeq)
    {
        tail.Restore(snapshot.Seq);
        SnapshotSeq = journalSeq;
        _afterSnapshot = [];
    }

    public void Replayed(MessagePosted posted)
    {
        if (_afterSnapshot is not null)
            _afterSnapshot.Add(posted);
        else
            tail.Remember(posted, latest: posted.Seq);
    }

    /// <summary>
    /// Ends the replay. Returns the latest seq, and the range of the journal still to read back before the tail is
    /// whole (null when it is whole already): pass what was read to <see cref="WindowRead"/>.
    /// </summary>
    public (long Latest, (long From, long To)? Window) Complete()
    {
        var replayed = _afterSnapshot ?? [];
        var latest = replayed.Count > 0 ? replayed[^1].Seq : tail.Seq;
        var windowFrom = Math.Max(1, latest - dedupWindow + 1);
        if (_afterSnapshot is not null && windowFrom <= SnapshotSeq)
            return (latest, (windowFrom, SnapshotSeq));
        WindowRead([], latest);
        return (latest, null);
    }

    /// <summary>Takes in the window read before the snapshot, then what was replayed after it.</summary>
    public void WindowRead(IReadOnlyList<MessagePosted> window, long latest)
    {
        foreach (var posted in window)
            tail.Remember(posted, latest);
        foreach (var posted in _afterSnapshot ?? [])
            tail.Remember(posted, latest);
        _afterSnapshot = null;
    }
}
