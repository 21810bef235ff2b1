using ActorChat.Storage;

namespace ActorChat.Rooms;

/// <summary>
/// Brings a room back from its journal and its message table. Only the numbering is in a snapshot; the events after
/// it are replayed. Before the room serves, the table takes every event it had not yet (the room's row says how far
/// it got), and a room recovered from a snapshot reads its window of newest messages back from the table, in their
/// current state. The window's size is fixed, so recovery costs the same whether the room holds a thousand messages
/// or a million.
/// </summary>
internal sealed class RoomRecovery(string room, RoomTail tail, RoomSettings settings)
{
    private readonly List<RevisedEvent> _replayed = [];
    private bool _fromSnapshot;
    private long _snapshotSeq;

    /// <summary>The revision of the snapshot recovered from; 0 without one.</summary>
    public long SnapshotRev { get; private set; }

    /// <summary>True from <see cref="CompleteAsync"/> starting a catch-up until <see cref="Finish"/>: the room serves nobody meanwhile.</summary>
    public bool CatchingUp { get; private set; }

    public void Snapshot(RoomSnapshot snapshot, long rev)
    {
        _fromSnapshot = true;
        _snapshotSeq = snapshot.Seq;
        SnapshotRev = rev;
    }

    /// <summary>Takes in an event replayed at <paramref name="rev"/>.</summary>
    public void Replayed(IRoomEvent replayed, long rev)
    {
        _replayed.Add(new RevisedEvent(rev, replayed));
        // Without a snapshot every event since the room began is here: the tail is built as it was live.
        if (!_fromSnapshot)
            tail.Apply(replayed, rev);
    }

    /// <summary>
    /// Ends the replay at <paramref name="latestRev"/>: catches the message table up, and on a room recovered from a
    /// snapshot reads its newest messages back from it; pass the result to <see cref="Finish"/>. Null when the room
    /// is new and there is nothing to do.
    /// </summary>
    public Task<Recovered>? CompleteAsync(long latestRev, MessageTable table, Func<long, long, Task<IReadOnlyList<RevisedEvent>>> readJournal)
    {
        if (latestRev == 0)
            return null;
        CatchingUp = true;
        return CatchUpAsync(latestRev, table, readJournal);
    }

    /// <summary>How many events a catch-up reads from the journal and writes to the table at a time.</summary>
    private const int CatchUpChunk = 5000;

    private async Task<Recovered> CatchUpAsync(long latestRev, MessageTable table, Func<long, long, Task<IReadOnlyList<RevisedEvent>>> readJournal)
    {
        var tableRev = await table.ReadRevAsync(room).ConfigureAwait(false);
        // Events the table missed before the snapshot (a crash between the two writes, or a room older than the
        // table) come from the journal, a chunk at a time.
        var seq = 0L;
        for (var from = tableRev + 1; from <= SnapshotRev; from += CatchUpChunk)
        {
            var chunk = await readJournal(from, Math.Min(SnapshotRev, from + CatchUpChunk - 1)).ConfigureAwait(false);
            seq = LatestSeq(chunk, seq);
            if (chunk.Count > 0)
                await table.WriteAsync(room, chunk, seq).ConfigureAwait(false);
        }
        var latestSeq = LatestSeq(_replayed, _snapshotSeq);
        var missing = _replayed.Where(e => e.Rev > tableRev).ToList();
        if (missing.Count > 0)
            await table.WriteAsync(room, missing, latestSeq).ConfigureAwait(false);

        if (!_fromSnapshot)
            return new Recovered([], [], tail.Seq, latestRev);
        var rows = await table.ReadAsync(room, Math.Max(1, latestSeq - settings.DedupWindow + 1), latestSeq).ConfigureAwait(false);
        var changes = await table.ReadChangesAsync(room, SnapshotRev, settings.DedupWindow).ConfigureAwait(false);
        return new Recovered(rows, changes, latestSeq, latestRev);
    }

    private static long LatestSeq(IReadOnlyList<RevisedEvent> events, long otherwise)
    {
        for (var i = events.Count - 1; i >= 0; i--)
        {
            if (events[i].Event is MessagePosted posted)
                return Math.Max(posted.Seq, otherwise);
        }
        return otherwise;
    }

    /// <summary>On the room's thread, once <see cref="CompleteAsync"/> is done: fills the tail with what was read back.</summary>
    public void Finish(Recovered recovered)
    {
        if (_fromSnapshot)
        {
            // Sends and changes in the order they were stored, so that the newest of them stay in the dedup window.
            var changes = recovered.Changes;
            var next = 0;
            foreach (var row in recovered.Rows)
            {
                for (; next < changes.Count && changes[next].Rev < row.PostedRev; next++)
                    tail.RememberChange(changes[next]);
                tail.Restore(row, recovered.Seq);
            }
            for (; next < changes.Count; next++)
                tail.RememberChange(changes[next]);
            foreach (var (rev, replayed) in _replayed)
            {
                if (replayed is IMessageChange or IModerationChange)
                    tail.RememberChange(replayed, rev);
            }
            tail.Restore(recovered.Seq, recovered.Rev);
        }
        _replayed.Clear();
        CatchingUp = false;
    }

    /// <summary>What recovery read back: the newest messages and changes (after a snapshot), and the room's seq and revision.</summary>
    public sealed record Recovered(IReadOnlyList<MessageRow> Rows, IReadOnlyList<ChangeRow> Changes, long Seq, long Rev);
}
