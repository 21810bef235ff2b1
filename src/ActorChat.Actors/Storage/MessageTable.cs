using System.Data.Common;
using System.Threading.Channels;
using ActorChat.Rooms;
using Akka.Actor;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorChat.Storage;

/// <summary>
/// Every stored message in its current state, keyed by room and seq, with the reactions to it, each room's
/// revision and latest seq, and each member's standing in a room (listed by their account, read up to where). The journal stays the record of what happened; this table is what it amounts to, so
/// that a page of old history, or an edit of an old message, is one indexed read however long the room is.
/// </summary>
/// <remarks>
/// <para>Rooms hand each stored batch of events here after the journal took it; one writer per node takes the
/// batches of every room waiting, in order, into one transaction. Each row remembers the revision of the last event
/// applied to it and takes only later ones, so applying an event twice, or a late write from a room's previous
/// node after its next one, changes nothing. The room's row records how far the table got: a room that recovers
/// applies again every event after it (see <see cref="RoomRecovery"/>).</para>
/// <para>On SQLite it is a file of its own beside the journal's (<see cref="StorageSettings.MessageTablePath"/>), so
/// that its writes never hold the lock the journal's writes need, and its commits are not flushed to the disk (the
/// journal's are): a machine crash may lose the newest rows, and the journal puts them back.</para>
/// </remarks>
public sealed partial class MessageTable : IExtension, IAsyncDisposable
{
    private readonly bool _postgres;

    /// <summary>True on PostgreSQL, shared by every node; false on the embedded SQLite file.</summary>
    internal bool IsShared => _postgres;
    private readonly string _connectionString;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly Channel<TableWrite> _writes = Channel.CreateUnbounded<TableWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _schema;
    private readonly Task _writer;

    private MessageTable(bool postgres, string connectionString)
    {
        _postgres = postgres;
        _connectionString = connectionString;
        if (postgres)
            _dataSource = NpgsqlDataSource.Create(connectionString);
        _schema = new Lazy<Task>(CreateSchemaAsync);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The table of <paramref name="system"/>, in the database its <see cref="StorageSettings"/> name.</summary>
    public static MessageTable Get(ActorSystem system) => system.WithExtension<MessageTable, Provider>();

    /// <summary>
    /// Applies <paramref name="events"/> of <paramref name="room"/>, in revision order, and moves the room's row to the
    /// last of them with <paramref name="seq"/> as its latest message. Completes once they are committed.
    /// </summary>
    public Task WriteAsync(string room, IReadOnlyList<RevisedEvent> events, long seq)
    {
        var write = new TableWrite(room, events, seq);
        if (!_writes.Writer.TryWrite(write))
            write.Done.TrySetException(new ObjectDisposedException(nameof(MessageTable)));
        return write.Done.Task;
    }

    /// <summary>Completes once the table's schema (the photos' descriptions included) exists.</summary>
    internal Task SchemaReady => _schema.Value;

    /// <summary>The revision of the last event of <paramref name="room"/> the table took; 0 when none.</summary>
    public async Task<long> ReadRevAsync(string room)
    {
        await _schema.Value.ConfigureAwait(false);
        await using var connection = await OpenAsync().ConfigureAwait(false);
        await using var command = Command(connection, "SELECT rev FROM actorchat_rooms WHERE room = @room", ("room", room));
        return await command.ExecuteScalarAsync().ConfigureAwait(false) is { } rev and not DBNull ? Convert.ToInt64(rev, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>The messages of <paramref name="room"/> numbered <paramref name="from"/> to <paramref name="to"/> in their current state, oldest first.</summary>
    public async Task<IReadOnlyList<MessageRow>> ReadAsync(string room, long from, long to)
    {
        await _schema.Value.ConfigureAwait(false);
        await using var connection = await OpenAsync().ConfigureAwait(false);
        var rows = new List<MessageRow>();
        var byseq = new Dictionary<long, MessageRow>();
        await using (var command = Command(connection, """
            SELECT seq, rev, posted_rev, client_id, sender, body, sent_at, edited_at, deleted_at, reply_to, attachment FROM actorchat_messages
            WHERE room = @room AND seq >= @from AND seq <= @to ORDER BY seq
            """, ("room", room), ("from", from), ("to", to)))
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var row = new MessageRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), Ticks(reader.GetInt64(6)), reader.IsDBNull(7) ? null : Ticks(reader.GetInt64(7)), !reader.IsDBNull(8), [],
                    reader.IsDBNull(9) ? null : reader.GetInt64(9),
                    reader.IsDBNull(10) ? null : System.Text.Json.JsonSerializer.Deserialize(reader.GetString(10), Serialization.StoredJsonContext.Default.MessageAttachment));
                rows.Add(row);
                byseq[row.Seq] = row;
            }
        }
        if (rows.Count == 0)
            return rows;
        await using (var command = Command(connection, """
            SELECT seq, emoji, sender FROM actorchat_reactions
            WHERE room = @room AND seq >= @from AND seq <= @to AND active = 1 ORDER BY seq, rev
            """, ("room", room), ("from", rows[0].Seq), ("to", rows[^1].Seq)))
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                if (byseq.TryGetValue(reader.GetInt64(0), out var row))
                    row.Reactions.Add((reader.GetString(1), reader.GetString(2)));
            }
        }
        return rows;
    }

    /// <summary>The newest <paramref name="count"/> changes of <paramref name="room"/> up to revision <paramref name="to"/>: who made each, with which id.</summary>
    public async Task<IReadOnlyList<ChangeRow>> ReadChangesAsync(string room, long to, int count)
    {
        await _schema.Value.ConfigureAwait(false);
        await using var connection = await OpenAsync().ConfigureAwait(false);
        await using var command = Command(connection, """
            SELECT rev, seq, client_id, sender, changed_at FROM actorchat_changes
            WHERE room = @room AND rev <= @to ORDER BY rev DESC LIMIT @count
            """, ("room", room), ("to", to), ("count", count));
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var changes = new List<ChangeRow>();
        while (await reader.ReadAsync().ConfigureAwait(false))
            changes.Add(new ChangeRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), Ticks(reader.GetInt64(4))));
        changes.Reverse();
        return changes;
    }

    private static DateTimeOffset Ticks(long ticks) => new(ticks, TimeSpan.Zero);

    /// <summary>
    /// The shortest time between the starts of two table transactions: the events every room stores within it go in
    /// one. Nothing waits on the table but reads of what rooms no longer hold in memory, so it trades a few
    /// milliseconds of lag for far fewer transactions on a busy node.
    /// </summary>
    private static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(10);

    // One transaction for every write waiting, on a connection the writer keeps: on SQLite a commit holds the one
    // write lock the journal also needs, so the fewer the better.
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
                await _schema.Value.ConfigureAwait(false);
                connection ??= await OpenAsync().ConfigureAwait(false);
                await using (var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false))
                {
                    await using var statements = new Statements(connection, transaction);
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

    internal async Task<DbConnection> OpenAsync()
    {
        if (_dataSource is not null)
            return await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;";
        await pragmas.ExecuteNonQueryAsync().ConfigureAwait(false);
        return connection;
    }

    internal static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        if (_dataSource is not null)
            await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// One write for the writer: a room's stored events, or (with <paramref name="Member"/>) one row of a member's,
    /// which no event of the room carries.
    /// </summary>
    private sealed record TableWrite(string Room, IReadOnlyList<RevisedEvent> Events, long Seq, MemberWrite? Member = null)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Provider : ExtensionIdProvider<MessageTable>
    {
        public override MessageTable CreateExtension(ExtendedActorSystem system)
        {
            var storage = SettingsSetup.Find<StorageSettings>(system)
                ?? throw new InvalidOperationException($"The actor system has no {nameof(StorageSettings)}: the message table needs a database.");
            var table = storage.Provider == StorageProvider.PostgreSql
                ? new MessageTable(postgres: true, storage.ConnectionString)
                : new MessageTable(postgres: false, SqliteStore.Prepare(storage.MessageTablePath));
            system.RegisterOnTermination(() => table.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10)));
            return table;
        }
    }
}

/// <summary>A room event with the revision the journal stored it at.</summary>
public readonly record struct RevisedEvent(long Rev, IRoomEvent Event);

/// <summary>A change to a message as the table remembers it: its revision, and who made it with which client id.</summary>
public sealed record ChangeRow(long Rev, long Seq, string Id, string User, DateTimeOffset At);

/// <summary>A message as the table holds it; <see cref="Reactions"/> in the order they were made.</summary>
public sealed record MessageRow(long Seq, long Rev, long PostedRev, string Id, string From, string Text, DateTimeOffset Timestamp,
    DateTimeOffset? EditedAt, bool Deleted, List<(string Emoji, string User)> Reactions, long? ReplyTo = null, Protocol.MessageAttachment? Attachment = null);
