using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Npgsql;

namespace ActorChat.Storage;

/// <summary>
/// The journal's table in the PostgreSQL database a cluster shares, and the one index its reads and its writers
/// need: unique by persistence id and sequence number. The plugin's own schema has it (<c>journal_uq</c>), but the
/// plugin makes it only when its HOCON names the provider; handed its database by Akka.Hosting, as the server does,
/// it made the table with its primary key alone.
/// </summary>
/// <remarks>
/// Unique, the index refuses a second event under one number of a persistence id: should two incarnations of a room
/// ever write at once (the write fence, <see cref="WriteFence"/>, is there so that they do not), the second one's
/// write fails instead of standing beside the first. It also takes each recovery's reads (the highest number, the
/// replay) off a scan of the whole journal.
/// </remarks>
internal sealed class PostgresJournalTable
{
    private readonly JournalDatabase _database;
    private readonly string _connectionString;

    private PostgresJournalTable(JournalDatabase database, string connectionString) => (_database, _connectionString) = (database, connectionString);

    /// <summary>The table of the journal configured by <paramref name="pluginConfig"/>; null when it is not on PostgreSQL.</summary>
    public static PostgresJournalTable? For(Akka.Configuration.Config pluginConfig, ActorSystem system) =>
        JournalDatabase.Read(pluginConfig, system) is { Provider: { } provider, ConnectionString: { Length: > 0 } connectionString } database
            && provider.StartsWith("PostgreSQL", StringComparison.Ordinal)
            ? new PostgresJournalTable(database, connectionString)
            : null;

    /// <summary>
    /// Makes the unique index unless it exists, and returns true; false when there is no table yet. What goes wrong is
    /// logged, not thrown: the journal works without the index, and the next start tries again. Nodes starting
    /// together may race to make it; one makes it, and the others find it made.
    /// </summary>
    public async Task<bool> CreateIndexAsync(ILoggingAdapter log)
    {
        var table = _database.Journal.TableConfig.EventJournalTable;
        var (qualified, index) = (_database.QualifiedTable(Quote), table.Name + "_uq");
        var (pid, seq) = (Quote(table.ColumnNames.PersistenceId), Quote(table.ColumnNames.SequenceNumber));
        try
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync().ConfigureAwait(false);
            if (!await ExistsAsync(connection, qualified).ConfigureAwait(false))
                return false;
            if (await HasIndexAsync(connection, qualified, index).ConfigureAwait(false))
                return true;
            var started = Stopwatch.GetTimestamp();
            try
            {
                await ExecuteAsync(connection, $"CREATE UNIQUE INDEX IF NOT EXISTS {Quote(index)} ON {qualified} ({pid}, {seq})").ConfigureAwait(false);
                log.Info("Made the journal's unique index by persistence id in {0:F1} s", Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
            catch (PostgresException duplicated) when (duplicated.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // Another node made it at the same moment, or the table holds a pair twice.
                if (await HasIndexAsync(connection, qualified, index).ConfigureAwait(false))
                    return true;
                await ExecuteAsync(connection, $"CREATE INDEX IF NOT EXISTS {Quote(table.Name + "_by_persistence_id")} ON {qualified} ({pid}, {seq})").ConfigureAwait(false);
                log.Error("The journal holds more than one event under one sequence number of a persistence id: it is searched through a " +
                    "plain index, and refuses no second writer of a number, until the extra events are removed ({0})", duplicated.MessageText);
            }
        }
        catch (Exception failed) when (failed is NpgsqlException or InvalidOperationException)
        {
            log.Error(failed, "The journal's unique index by persistence id could not be made; the next start tries again");
        }
        return true;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string qualified)
    {
        await using var query = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection);
        query.Parameters.AddWithValue("name", qualified);
        return (bool)(await query.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    private static async Task<bool> HasIndexAsync(NpgsqlConnection connection, string qualified, string index)
    {
        await using var query = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = to_regclass(@table) AND c.relname = @index AND i.indisunique AND i.indisvalid)",
            connection);
        query.Parameters.AddWithValue("table", qualified);
        query.Parameters.AddWithValue("index", index);
        return (bool)(await query.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
