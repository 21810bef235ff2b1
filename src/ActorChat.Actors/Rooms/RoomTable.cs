using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>
/// Keeps a room's rows of the <see cref="MessageTable"/> in step with its journal: the events of each stored write
/// follow it to the table, one table write at a time and in order, so that the room's row never claims an event a
/// failed write left out. The room is told when each is committed (<see cref="Written"/>) or failed (<see cref="Failed"/>).
/// </summary>
internal sealed class RoomTable(string room, MessageTable table, IActorRef self)
{
    private List<RevisedEvent> _backlog = [];
    private readonly List<(long Rev, Action Then)> _waiting = [];
    private Task _inFlight = Task.CompletedTask;
    private bool _writing;
    private long _seq;
    private long _added;

    public MessageTable Table => table;

    /// <summary>The revision of the last event the table is known to hold.</summary>
    public long Rev { get; private set; }

    /// <summary>The table holds every event up to <paramref name="rev"/> (recovery caught it up).</summary>
    public void CaughtUp(long rev) => Rev = _added = rev;

    /// <summary>An event the journal stored, for the next table write.</summary>
    public void Add(RevisedEvent stored)
    {
        _backlog.Add(stored);
        _added = stored.Rev;
    }

    /// <summary>
    /// Runs <paramref name="then"/> once the table holds every event stored so far: at once when it does, else after
    /// the table write that catches it up. Reads of what the room no longer holds in memory wait for it.
    /// </summary>
    public void WhenCaughtUp(Action then)
    {
        if (Rev >= _added)
            then();
        else
            _waiting.Add((_added, then));
    }

    /// <summary>Writes what the journal stored since the last table write, unless one is in flight; <paramref name="seq"/> is the room's latest.</summary>
    public void Flush(long seq)
    {
        _seq = seq;
        if (_writing || _backlog.Count == 0)
            return;
        var batch = _backlog;
        _backlog = [];
        _writing = true;
        var rev = batch[^1].Rev;
        _inFlight = table.WriteAsync(room, batch, seq);
        _inFlight.PipeTo(self, success: () => new Written(rev), failure: cause => new Failed(cause));
    }

    /// <summary>
    /// The room stops (a node shutting down hands its rooms over): what the journal stored and the table has not yet
    /// follows the write in flight, once that one is committed, so that search, unread counts and the directory hold
    /// it without waiting for the room to start again. Never after a failed write: the room's next incarnation catches
    /// the table up from the journal, as it does when this write is refused because the table already closed.
    /// </summary>
    public void Stopping()
    {
        if (_backlog.Count == 0)
            return;
        var (batch, seq) = (_backlog, _seq);
        _backlog = [];
        _ = _inFlight.ContinueWith(written => written.IsCompletedSuccessfully ? table.WriteAsync(room, batch, seq) : Task.CompletedTask,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();
    }

    public void OnWritten(Written written)
    {
        _writing = false;
        Rev = written.Rev;
        Flush(_seq);
        if (_waiting.Count == 0)
            return;
        var due = _waiting.FindAll(w => w.Rev <= Rev);
        _waiting.RemoveAll(w => w.Rev <= Rev);
        foreach (var (_, then) in due)
            then();
    }

    /// <summary>The table committed every event up to <paramref name="Rev"/>.</summary>
    public sealed record Written(long Rev) : INoSerializationVerificationNeeded;

    /// <summary>A table write failed: the room stops, and its next incarnation catches the table up from the journal.</summary>
    public sealed record Failed(Exception Cause) : INoSerializationVerificationNeeded;
}
