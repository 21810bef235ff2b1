using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Sql.Config;
using LinqToDB;
using LinqToDB.Interceptors;
using Microsoft.Data.Sqlite;

namespace ActorChat.Storage;

/// <summary>
/// The SQLite database the SQL journal is configured with, when it is one this code can open beside the plugin:
/// SQLite through Microsoft.Data.Sqlite, handed to the plugin as HOCON or, as the server does, as options of the
/// actor system. Connections opened here get the settings the plugin's own connections get.
/// </summary>
/// <remarks>
/// The one index the journal's reads need is made here (<see cref="CreateIndex"/>): it is the index the plugin makes
/// itself, <c>journal_uq</c>, but only when its configuration names the provider; handed its database as options of
/// the actor system, as the server does, the plugin made the table alone, and each recovery's reads (the highest
/// sequence number, the replay) went through the whole journal, every room's events.
/// </remarks>
internal sealed class SqliteJournalFile
{
    private readonly string _connectionString;
    private readonly IReadOnlyList<IInterceptor> _interceptors;

    private SqliteJournalFile(JournalConfig journal, string connectionString, IReadOnlyList<IInterceptor> interceptors)
    {
        Journal = journal;
        _connectionString = connectionString;
        _interceptors = interceptors;
    }

    /// <summary>The journal's configuration: its table, columns and plugin settings.</summary>
    public JournalConfig Journal { get; }

    /// <summary>
    /// The file of the journal configured by <paramref name="pluginConfig"/>, or null for another database than
    /// SQLite through Microsoft.Data.Sqlite, or one the plugin is handed in a way this code cannot read.
    /// </summary>
    public static SqliteJournalFile? For(Akka.Configuration.Config pluginConfig, ActorSystem system) =>
        JournalDatabase.Read(pluginConfig, system) is { Provider: ProviderName.SQLiteMS, ConnectionString: { Length: > 0 } connectionString } database
            ? new SqliteJournalFile(database.Journal, connectionString, database.Interceptors)
            : null;

    /// <summary>A new connection to the file, open, with the settings every connection of the plugin gets (busy timeout, synchronous).</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            foreach (var interceptor in _interceptors.OfType<ConnectionInterceptor>())
                interceptor.ConnectionOpened(default, connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Makes the journal table's unique index by persistence id and sequence number unless it exists, and returns
    /// true; false when there is no table yet. What goes wrong is logged, not thrown: the reads work without the
    /// index, only slowly, and the next start tries again.
    /// </summary>
    /// <remarks>
    /// Unique, it also refuses a second event under one number of a persistence id, as the plugin's own schema means
    /// its table to on every database it supports. A table that holds such a pair already cannot take it: it gets a
    /// plain index of the same columns, the pairs are logged, and the unique index replaces the plain one at the
    /// first start after they are gone. Over a long history the index takes seconds to build (bench/RESULTS.md).
    /// </remarks>
    public bool CreateIndex(ILoggingAdapter log)
    {
        var table = Journal.TableConfig.EventJournalTable;
        var (name, pid, seq) = (table.Name, table.ColumnNames.PersistenceId, table.ColumnNames.SequenceNumber);
        try
        {
            using var connection = Open();
            using (var found = Command(connection, "SELECT type FROM sqlite_master WHERE (type = 'table' AND name = $table) OR (type = 'index' AND name = $index)"))
            {
                found.Parameters.AddWithValue("$table", name);
                found.Parameters.AddWithValue("$index", name + "_uq");
                var types = Read(found);
                if (!types.Contains("table") || types.Contains("index"))
                    return types.Contains("table");
            }
            var started = Stopwatch.GetTimestamp();
            try
            {
                Execute(connection, $"CREATE UNIQUE INDEX IF NOT EXISTS [{name}_uq] ON [{name}] ([{pid}], [{seq}]); DROP INDEX IF EXISTS [{name}_by_persistence_id];");
                log.Info("Made the journal's index by persistence id in {0:F1} s", Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
            catch (SqliteException duplicated) when (duplicated.SqliteErrorCode == 19) // SQLITE_CONSTRAINT
            {
                Execute(connection, $"CREATE INDEX IF NOT EXISTS [{name}_by_persistence_id] ON [{name}] ([{pid}], [{seq}])");
                using var pairs = Command(connection, $"SELECT [{pid}] || ' #' || [{seq}] FROM [{name}] GROUP BY [{pid}], [{seq}] HAVING COUNT(*) > 1 LIMIT 5");
                log.Error("The journal holds more than one event under one sequence number (such as {0}): it is searched through a plain " +
                    "index, and refuses no second writer of a number, until the extra events are removed", string.Join(", ", Read(pairs)));
            }
        }
        catch (Exception failed)
        {
            log.Error(failed, "The journal's index by persistence id could not be made; its reads go through the whole table until it is");
        }
        return true;
    }

    private static List<string> Read(SqliteCommand query)
    {
        using var reader = query.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
            values.Add(reader.GetString(0));
        return values;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, sql);
        command.ExecuteNonQuery();
    }
}
