using System.Data.Common;
using System.Threading.Channels;

namespace ActorChat.Storage;

/// <summary>
/// The one writer of the message table on this node: it takes the writes of every room waiting, in order, into one
/// transaction, on a connection it keeps. On SQLite a commit holds the one write lock the journal also needs, so the
/// fewer the better.
/// </summary>
internal sealed class TableWriter : IAsyncDisposable
{
    /// <summary>
    /// The shortest time between the starts of two table transactions: the events every room stores within it go in
    /// one. Nothing waits on the table but reads of what rooms no longer hold in memory, so it trades a few
    /// milliseconds of lag for far fewer transactions on a busy node.
    /// </summary>
    private static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How often the embedded store's search index takes in the messages written since its last step, in the writer's
    /// transaction: FTS5 makes an index segment per transaction that writes to it, and merges them as they pile up,
    /// so indexing in every 10 ms transaction cost a tenth more CPU per delivered message than indexing once a second.
    /// A message is found by search within about this long of being stored.
    /// </summary>
    private static readonly TimeSpan SearchIndexInterval = TimeSpan.FromSeconds(1);

    /// <summary>The most messages one step indexes: a step that reaches it is followed by the next at once.</summary>
    private const int SearchIndexStep = 5000;

    private readonly TableDatabase _database;
    private readonly TableSchema _schema;
    private readonly Channel<TableWrite> _writes = Channel.CreateUnbounded<TableWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    // A write of nothing, that wakes the loop for a step of the search index when no other write comes.
    private readonly TableWrite _indexTick = new("", [], 0);

    public TableWriter(TableDatabase database, TableSchema schema)
    {
        _database = database;
        _schema = schema;
        // Messages stored before a stop and not indexed yet are indexed first.
        if (!database.IsShared)
            _writes.Writer.TryWrite(_indexTick);
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Queues <paramref name="write"/>; completes once it is committed, or fails with its batch.</summary>
    public Task WriteAsync(TableWrite write)
    {
        if (!_writes.Writer.TryWrite(write))
            write.Done.TrySetException(new ObjectDisposedException(nameof(MessageTable)));
        return write.Done.Task;
    }

    /// <summary>Queues a write nothing waits on.</summary>
    public void Enqueue(TableWrite write) => _writes.Writer.TryWrite(write);

    private async Task WriteLoopAsync()
    {
        var batch = new List<TableWrite>();
        DbConnection? connection = null;
        var lastStart = long.MinValue;
        // The search index (embedded store only): whether messages may be waiting for it (at first, those stored before a
        // stop), and when its last step began.
        var search = !_database.IsShared;
        var indexPending = search;
        var lastIndexStep = long.MinValue;
        var tickQueued = search;
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (lastStart != long.MinValue && System.Diagnostics.Stopwatch.GetElapsedTime(lastStart) is var since && since < CommitInterval)
                await Task.Delay(CommitInterval - since).ConfigureAwait(false);
            lastStart = System.Diagnostics.Stopwatch.GetTimestamp();
            while (batch.Count < 1024 && _writes.Reader.TryRead(out var write))
            {
                if (ReferenceEquals(write, _indexTick))
                    tickQueued = false;
                indexPending |= search && write.Events.Count > 0;
                batch.Add(write);
            }
            try
            {
                await _schema.Ready.ConfigureAwait(false);
                connection ??= await _database.OpenAsync().ConfigureAwait(false);
                await using (var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false))
                {
                    await using var statements = new TableStatements(connection, transaction);
                    foreach (var write in batch)
                        await statements.ApplyAsync(write).ConfigureAwait(false);
                    await transaction.CommitAsync().ConfigureAwait(false);
                }
                foreach (var write in batch)
                    write.Done.TrySetResult();
                // In a transaction of its own, after the writes: nothing waits on it, and it fails nobody's write.
                if (indexPending && (lastIndexStep == long.MinValue || System.Diagnostics.Stopwatch.GetElapsedTime(lastIndexStep) >= SearchIndexInterval))
                {
                    // Set first: a step that fails is tried again a whole interval later.
                    lastIndexStep = System.Diagnostics.Stopwatch.GetTimestamp();
                    await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
                    await using var statements = new TableStatements(connection, transaction);
                    // The step takes in every message stored so far, unless it stops at its limit.
                    var more = await statements.IndexSearchAsync(SearchIndexStep).ConfigureAwait(false);
                    await transaction.CommitAsync().ConfigureAwait(false);
                    if (more)
                        lastIndexStep = long.MinValue;
                    indexPending = more;
                }
            }
#pragma warning disable CA1031 // The writer serves every room of the node: each failed batch fails its rooms' writes, and it goes on.
            catch (Exception e)
            {
                foreach (var write in batch)
                    write.Done.TrySetException(e);
                // The next batch starts on a fresh connection.
                if (connection is not null)
                    await connection.DisposeAsync().ConfigureAwait(false);
                connection = null;
            }
#pragma warning restore CA1031
            batch.Clear();
            // Messages not indexed yet: a step is due once the interval since the last one passed, whether more writes come or not.
            if (indexPending && !tickQueued)
            {
                tickQueued = true;
                var wait = lastIndexStep == long.MinValue ? TimeSpan.Zero : SearchIndexInterval - System.Diagnostics.Stopwatch.GetElapsedTime(lastIndexStep);
                _ = QueueTickAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            }
        }
        if (connection is not null)
            await connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task QueueTickAsync(TimeSpan wait)
    {
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait).ConfigureAwait(false);
        _writes.Writer.TryWrite(_indexTick);
    }

    /// <summary>Takes no more writes, and completes once those queued are done.</summary>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}

/// <summary>
/// One write for the writer: a room's stored events, or (with <paramref name="Member"/>) one row of a member's,
/// which no event of the room carries.
/// </summary>
internal sealed record TableWrite(string Room, IReadOnlyList<RevisedEvent> Events, long Seq, MemberWrite? Member = null)
{
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
