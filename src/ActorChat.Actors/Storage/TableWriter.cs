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

    private readonly TableDatabase _database;
    private readonly TableSchema _schema;
    private readonly Channel<TableWrite> _writes = Channel.CreateUnbounded<TableWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public TableWriter(TableDatabase database, TableSchema schema)
    {
        _database = database;
        _schema = schema;
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
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (lastStart != long.MinValue && System.Diagnostics.Stopwatch.GetElapsedTime(lastStart) is var since && since < CommitInterval)
                await Task.Delay(CommitInterval - since).ConfigureAwait(false);
            lastStart = System.Diagnostics.Stopwatch.GetTimestamp();
            while (batch.Count < 1024 && _writes.Reader.TryRead(out var write))
                batch.Add(write);
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
        }
        if (connection is not null)
            await connection.DisposeAsync().ConfigureAwait(false);
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
