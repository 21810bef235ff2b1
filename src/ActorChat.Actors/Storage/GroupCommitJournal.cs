using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;

namespace ActorChat.Storage;

/// <summary>
/// The SQL journal, starting at most one transaction per <see cref="StorageSettings.GroupCommitInterval"/>: the writes of every room
/// that arrive within an interval of the last transaction's start are held and stored together, in one
/// transaction and one flush to the disk. A write that arrives after a quiet interval goes at once, so an idle
/// server adds no latency; a busy one trades up to one interval of latency for far fewer flushes, each of which
/// costs the same whether it carries one message or a hundred.
/// </summary>
/// <remarks>
/// With an interval of zero it is the SQL plugin's journal as it is, with its writes noted for readiness.
/// Each room still gets its own answer: the combined write's results are handed back to the writes they came
/// from, in order. A failed transaction fails every write in it, as the plugin's own batching already does.
/// </remarks>
public sealed class GroupCommitJournal : SqlWriteJournal
{
    /// <summary>
    /// The HOCON that puts this journal in place of the SQL plugin's own. Its interval is not HOCON: it is the
    /// storage settings' (<see cref="SettingsSetup"/>), on SQLite; PostgreSQL takes concurrent writes and gains
    /// nothing from holding them.
    /// </summary>
    public static readonly string Plugin =
        $"akka.persistence.journal.sql.class = \"{typeof(GroupCommitJournal).FullName}, {typeof(GroupCommitJournal).Assembly.GetName().Name}\"";

    private readonly TimeSpan _interval;
    private readonly List<HeldWrite> _held = [];
    private readonly Dictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private long _lastStart = long.MinValue;
    private bool _flushScheduled;

    private readonly StorageHealth _health = StorageHealth.Get(Context.System);
    private readonly WriteFence _fence = WriteFence.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SqliteJournalFile? _file;
    private readonly PostgresJournalTable? _table;
    private SqliteJournalWriter? _sqlite;
    private bool _sqliteChecked;
    private Task? _indexed;

    public GroupCommitJournal(Config journalConfig) : base(journalConfig)
    {
        // Without storage settings (a system not built by the host), writes go one by one, as the plugin's do.
        _interval = SettingsSetup.Find<StorageSettings>(Context.System) is { Provider: StorageProvider.Sqlite } storage
            ? storage.GroupCommitInterval
            : TimeSpan.Zero;
        _file = SqliteJournalFile.For(journalConfig, Context.System);
        _table = _file is null ? PostgresJournalTable.For(journalConfig, Context.System) : null;
    }

    // Every write is noted from the moment the journal takes it until it is stored or has failed: readiness judges
    // storage by that (see StorageHealth).
    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        // Refused, not failed: a rejection stops the writer without counting against the journal's circuit breaker,
        // which would otherwise stay open for the next writes once the fence opens again.
        if (_fence.ClosedBecause is { } reason)
        {
            var refused = new FencedWriteException(reason);
            return Task.FromResult<IImmutableList<Exception>>(messages.Select(_ => (Exception)refused).ToImmutableList());
        }
        var id = _health.Started();
        var write = Write(messages, cancellationToken);
        var health = _health;
        _ = write.ContinueWith(done => health.Ended(id, done.IsCompletedSuccessfully), TaskScheduler.Default);
        return write;
    }

    private Task<IImmutableList<Exception>> Write(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages as List<AtomicWrite> ?? messages.ToList();
        if (writes.Count == 0)
            return Store(writes, cancellationToken);
        if (_interval <= TimeSpan.Zero)
        {
            var direct = Store(writes, cancellationToken);
            Track(writes[0].PersistenceId, direct);
            return direct;
        }

        var held = new HeldWrite(writes);
        _held.Add(held);
        Track(writes[0].PersistenceId, held.Done.Task);
        if (!_flushScheduled)
        {
            var wait = _lastStart == long.MinValue ? TimeSpan.Zero : _interval - Stopwatch.GetElapsedTime(_lastStart);
            if (wait <= TimeSpan.Zero)
                Flush();
            else
            {
                _flushScheduled = true;
                var self = Self;
                _ = Task.Delay(wait, CancellationToken.None).ContinueWith(_ => self.Tell(FlushHeld.Instance), TaskScheduler.Default);
            }
        }
        return held.Done.Task;
    }

    protected override bool ReceivePluginInternal(object message)
    {
        switch (message)
        {
            case FlushHeld:
                _flushScheduled = false;
                Flush();
                return true;
            case HowStored:
                Sender.Tell(_sqlite is not null ? StoredThrough.OwnConnection : StoredThrough.Plugin);
                return true;
            case WriteDone done:
                if (_inFlight.TryGetValue(done.PersistenceId, out var task) && task == done.Task)
                    _inFlight.Remove(done.PersistenceId);
                return true;
            default:
                return base.ReceivePluginInternal(message);
        }
    }

    // The journal's reads need the table's index by persistence id (SqliteJournalFile.CreateIndex, on PostgreSQL
    // PostgresJournalTable.CreateIndexAsync), and on PostgreSQL its uniqueness stops a second writer. A table of an earlier
    // version gets it here, before the plugin's initialization and before the journal takes a request: over a long
    // history that takes seconds, longer than a read may wait in the journal's circuit breaker. A new table, which
    // that initialization makes, gets it at the journal's first read, while it is still empty.
    protected override void PreStart()
    {
        if (_file is not null && _file.CreateIndex(_log))
            _indexed = Task.CompletedTask;
        else if (_table is not null && _table.CreateIndexAsync(_log).GetAwaiter().GetResult())
            _indexed = Task.CompletedTask;
        base.PreStart();
    }

    /// <summary>
    /// A room recovering while its last write is still held or in flight reads its highest number after that write.
    /// Every persistent actor reads its highest number before it replays or writes, so none does either before the
    /// table's index exists.
    /// </summary>
    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        // Both are the journal's state: read before the first await, on its thread.
        _inFlight.TryGetValue(persistenceId, out var write);
        if (_file is not null)
        {
            var (file, log) = (_file, _log);
            await (_indexed ??= Task.Run(() => file.CreateIndex(log), CancellationToken.None)).ConfigureAwait(false);
        }
        else if (_table is not null)
            await (_indexed ??= _table.CreateIndexAsync(_log)).ConfigureAwait(false);
        if (write is not null)
            await write.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        return await base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken).ConfigureAwait(false);
    }

    private void Flush()
    {
        if (_held.Count == 0)
            return;
        _lastStart = Stopwatch.GetTimestamp();
        var group = _held.ToArray();
        _held.Clear();
        var combined = Store(group.SelectMany(held => held.Writes).ToList(), CancellationToken.None);
        _ = combined.ContinueWith(result => Hand(result, group), TaskScheduler.Default);
    }

    /// <summary>
    /// Stores <paramref name="writes"/> in one transaction: on SQLite through the journal's own connection, elsewhere
    /// as the plugin does. Whatever goes wrong is the answer to these writes, never an exception of the journal's.
    /// </summary>
    private Task<IImmutableList<Exception>> Store(List<AtomicWrite> writes, CancellationToken cancellationToken)
    {
        try
        {
            if (!_sqliteChecked)
            {
                // Made at the first write, which comes after the plugin has created its tables; a failure to open it
                // fails this write and is tried again at the next.
                _sqlite = _file is null ? null : SqliteJournalWriter.For(_file, Context.System);
                _sqliteChecked = true;
            }
            return _sqlite is not null ? _sqlite.WriteAsync(writes)! : base.WriteMessagesAsync(writes, cancellationToken);
        }
        catch (Exception failed)
        {
            return Task.FromException<IImmutableList<Exception>>(failed);
        }
    }

    // What is held is stored before the connection closes, so that every write the journal took gets its answer.
    protected override void PostStop()
    {
        Flush();
        if (_sqlite is not null && !_sqlite.Close(TimeSpan.FromSeconds(10)))
            _log.Warning("The journal stopped while its last transaction was still running; it completes on its own thread");
        base.PostStop();
    }

    private static void Hand(Task<IImmutableList<Exception>> result, HeldWrite[] group)
    {
        var results = result.IsCompletedSuccessfully ? result.Result : null;
        var expected = group.Sum(held => held.Writes.Count);
        if (!result.IsCompletedSuccessfully || (results is not null && results.Count != expected))
        {
            var error = result.Exception?.GetBaseException()
                ?? new InvalidOperationException($"The journal answered a write of {expected} with {results?.Count} results.");
            foreach (var held in group)
                held.Done.TrySetException(error);
            return;
        }
        // One result per atomic write, in the order they were given (null for each stored); none at all: all stored.
        var index = 0;
        foreach (var held in group)
        {
            held.Done.TrySetResult(results is null ? null! : ImmutableList.Create(results.Skip(index).Take(held.Writes.Count).ToArray()));
            index += held.Writes.Count;
        }
    }

    /// <summary>Remembers <paramref name="write"/> as its room's latest until it is answered (the writes of one request all come from one persistent actor).</summary>
    private void Track(string persistenceId, Task write)
    {
        _inFlight[persistenceId] = write;
        var self = Self;
        _ = write.ContinueWith(task => self.Tell(new WriteDone(persistenceId, task)), TaskScheduler.Default);
    }

    /// <summary>Asks the journal how it has been storing its writes: answered with a <see cref="StoredThrough"/>.</summary>
    public sealed class HowStored
    {
        public static readonly HowStored Instance = new();
    }

    public enum StoredThrough
    {
        /// <summary>As the SQL plugin stores them (no write yet, or another database than SQLite).</summary>
        Plugin,

        /// <summary>Through the journal's own SQLite connection (<see cref="SqliteJournalWriter"/>).</summary>
        OwnConnection,
    }

    private sealed class HeldWrite(List<AtomicWrite> writes)
    {
        public List<AtomicWrite> Writes { get; } = writes;

        public TaskCompletionSource<IImmutableList<Exception>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A write refused because this node may not write now (<see cref="WriteFence"/>).</summary>
    public sealed class FencedWriteException(string reason) : Exception($"journal writes are refused on this node: {reason}");

    private sealed class FlushHeld
    {
        public static readonly FlushHeld Instance = new();
    }

    private sealed record WriteDone(string PersistenceId, Task Task);
}
