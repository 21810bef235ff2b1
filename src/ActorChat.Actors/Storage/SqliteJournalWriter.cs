using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Sql.Config;
using Akka.Serialization;
using Akka.Util;
using Microsoft.Data.Sqlite;

namespace ActorChat.Storage;

/// <summary>
/// Stores the SQL journal's rows on SQLite through one connection kept open for the journal's life, with its insert
/// prepared once: the rows are the ones the Akka.Persistence.Sql plugin writes (the same table, columns and
/// encoding), so that its replays, queries and sequence numbers read them as their own, and data written by
/// either can be read by the other.
/// </summary>
/// <remarks>
/// The plugin composes each insert with LinqToDB, clones a connection and opens a transaction through ADO.NET's
/// async plumbing for every write, and SQLite parses the statement each time: most of the journal's cost per write
/// (bench/RESULTS.md). Here each transaction is one prepared statement run once per row. Transactions run one at a
/// time on a thread of the writer's own, as the database takes one writer at a time anyway; groups that queue
/// while one is stored go into the next transaction together.
/// </remarks>
internal sealed class SqliteJournalWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _created, _persistenceId, _sequenceNr, _message, _manifest, _identifier;
    private readonly Akka.Serialization.Serialization _serialization;
    private readonly string? _defaultSerializer;
    private readonly int _batchSize;
    private readonly BlockingCollection<Batch> _queue = new();
    private readonly Thread _thread;

    private SqliteJournalWriter(SqliteConnection connection, JournalConfig journal, Akka.Serialization.Serialization serialization)
    {
        _connection = connection;
        _serialization = serialization;
        _defaultSerializer = journal.DefaultSerializer;
        _batchSize = Math.Max(1, journal.DaoConfig.BatchSize);
        var table = journal.TableConfig.EventJournalTable;
        var columns = table.ColumnNames;
        var writerUuid = table.UseWriterUuidColumn;
        _insert = connection.CreateCommand();
        _insert.CommandText =
            $"INSERT INTO [{table.Name}] ([{columns.Created}], [{columns.Deleted}], [{columns.PersistenceId}], [{columns.SequenceNumber}], " +
            $"[{columns.Message}], [{columns.Manifest}], [{columns.Identifier}]{(writerUuid ? $", [{columns.WriterUuid}]" : "")}) " +
            $"VALUES ($created, 0, $pid, $seq, $message, $manifest, $identifier{(writerUuid ? ", $writer" : "")})";
        _created = _insert.Parameters.Add("$created", SqliteType.Integer);
        _persistenceId = _insert.Parameters.Add("$pid", SqliteType.Text);
        _sequenceNr = _insert.Parameters.Add("$seq", SqliteType.Integer);
        _message = _insert.Parameters.Add("$message", SqliteType.Blob);
        _manifest = _insert.Parameters.Add("$manifest", SqliteType.Text);
        _identifier = _insert.Parameters.Add("$identifier", SqliteType.Integer);
        // One writer of the plugin's kind: its rows carry one id, new for every start, as the plugin's own do.
        if (writerUuid)
            _insert.Parameters.AddWithValue("$writer", Guid.NewGuid().ToString("N"));
        _insert.Prepare();
        _thread = new Thread(Run) { IsBackground = true, Name = "actorchat-journal-writer" };
        _thread.Start();
    }

    /// <summary>
    /// A writer for the journal in <paramref name="file"/>, or null where it cannot stand in for the plugin's writes:
    /// tags written as a column.
    /// </summary>
    public static SqliteJournalWriter? For(SqliteJournalFile file, ActorSystem system)
    {
        if (file.Journal.PluginConfig.TagMode != TagMode.TagTable)
            return null;
        var connection = file.Open();
        try
        {
            return new SqliteJournalWriter(connection, file.Journal, system.Serialization);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stores <paramref name="writes"/> in one transaction: the answer has one entry per write, null where it was
    /// stored and the reason where it was refused (its events could not be serialized, or carry tags, which ActorChat
    /// never writes and this writer does not store; nothing of it is stored), as the plugin answers. The task fails,
    /// for every write, when the transaction does.
    /// </summary>
    public Task<IImmutableList<Exception?>> WriteAsync(IReadOnlyList<AtomicWrite> writes)
    {
        var now = DateTime.UtcNow.Ticks;
        var rows = new List<Row>();
        var answers = new Exception?[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            var representations = (IImmutableList<IPersistentRepresentation>)writes[i].Payload;
            var first = rows.Count;
            try
            {
                foreach (var representation in representations)
                    rows.Add(Serialize(representation, now));
            }
            catch (Exception refused)
            {
                rows.RemoveRange(first, rows.Count - first);
                answers[i] = refused;
            }
        }
        var batch = new Batch(rows, answers.ToImmutableList());
        if (rows.Count == 0)
            return Task.FromResult(batch.Answers);
        try
        {
            _queue.Add(batch);
        }
        catch (Exception closed) when (closed is InvalidOperationException or ObjectDisposedException)
        {
            return Task.FromException<IImmutableList<Exception?>>(new InvalidOperationException("The journal's SQLite writer is closed."));
        }
        return batch.Done.Task;
    }

    private Row Serialize(IPersistentRepresentation representation, long now)
    {
        if (representation.Payload is Tagged { Tags.Count: > 0 })
            throw new NotSupportedException("The SQLite journal does not store tags.");
        var payload = representation.Payload is Tagged tagged ? tagged.Payload : representation.Payload;
        var serializer = _serialization.FindSerializerForType(payload.GetType(), _defaultSerializer);
        var manifest = serializer switch
        {
            SerializerWithStringManifest named => named.Manifest(payload),
            { IncludeManifest: true } => payload.GetType().TypeQualifiedName(),
            _ => string.Empty,
        };
        // With the serialization's transport set, as the plugin serializes: actor references keep their address.
        var bytes = Akka.Serialization.Serialization.WithTransport(_serialization.System, (serializer, payload), static state => state.serializer.ToBinary(state.payload));
        return new Row(representation.Timestamp == 0 ? now : representation.Timestamp, representation.PersistenceId, representation.SequenceNr, bytes, manifest, serializer.Identifier);
    }

    // The thread owns the connection: it closes it once the queue is closed and drained, however long that takes.
    private void Run()
    {
        try
        {
            var group = new List<Batch>();
            foreach (var batch in _queue.GetConsumingEnumerable())
            {
                group.Add(batch);
                // What queued while the last transaction ran goes in this one, up to the plugin's batch size.
                var rows = batch.Rows.Count;
                while (rows < _batchSize && _queue.TryTake(out var next))
                {
                    group.Add(next);
                    rows += next.Rows.Count;
                }
                try
                {
                    Store(group);
                    foreach (var stored in group)
                        stored.Done.TrySetResult(stored.Answers);
                }
                catch (Exception failed)
                {
                    foreach (var lost in group)
                        lost.Done.TrySetException(failed);
                }
                group.Clear();
            }
        }
        finally
        {
            _insert.Dispose();
            _connection.Dispose();
            _queue.Dispose();
        }
    }

    private void Store(List<Batch> group)
    {
        using var transaction = _connection.BeginTransaction();
        _insert.Transaction = transaction;
        foreach (var batch in group)
        {
            foreach (var row in batch.Rows)
            {
                _created.Value = row.Created;
                _persistenceId.Value = row.PersistenceId;
                _sequenceNr.Value = row.SequenceNr;
                _message.Value = row.Message;
                _manifest.Value = row.Manifest;
                _identifier.Value = row.Identifier;
                _insert.ExecuteNonQuery();
            }
        }
        transaction.Commit();
    }

    /// <summary>
    /// Takes no more writes, stores what is queued, then closes the connection: true when that was done within
    /// <paramref name="wait"/>; otherwise the writer's thread finishes it on its own.
    /// </summary>
    public bool Close(TimeSpan wait)
    {
        try
        {
            _queue.CompleteAdding();
        }
        catch (ObjectDisposedException)
        {
            // Closed and drained already.
        }
        return _thread.Join(wait);
    }

    /// <summary>Closes the writer without waiting: what is queued is still stored, on the writer's thread.</summary>
    public void Dispose() => Close(TimeSpan.Zero);

    private sealed record Row(long Created, string PersistenceId, long SequenceNr, byte[] Message, string Manifest, int Identifier);

    private sealed class Batch(List<Row> rows, IImmutableList<Exception?> answers)
    {
        public List<Row> Rows { get; } = rows;

        public IImmutableList<Exception?> Answers { get; } = answers;

        public TaskCompletionSource<IImmutableList<Exception?>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
