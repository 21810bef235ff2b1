using System.Data.Common;
using LinqToDB;
using LinqToDB.Interceptors;
using Microsoft.Data.Sqlite;

namespace ActorChat.Storage;

/// <summary>Prepares the embedded SQLite database before the journal opens it.</summary>
public static class SqliteStore
{
    /// <summary>How long a write waits for another connection's write to finish before it fails.</summary>
    private const int BusyTimeoutMilliseconds = 5000;

    /// <summary>The connection string of the database at <paramref name="path"/>, switched to write-ahead logging.</summary>
    public static string Prepare(string path)
    {
        PrivateFiles.CreateFolder(Path.GetDirectoryName(path)!);
        // SQLite gives its -wal and -shm files the database file's permissions when it creates them.
        PrivateFiles.CreateFile(path);
        PrivateFiles.Restrict(path + "-wal");
        PrivateFiles.Restrict(path + "-shm");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        // WAL lets readers (history queries) run beside the writer and roughly doubles single-write throughput;
        // it is a property of the file, so it is set here rather than in the connection string.
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
        return connectionString;
    }

    /// <summary>How the journal, the snapshot store and the queries open the database at <paramref name="path"/>.</summary>
    public static DataOptions Options(string path, SqliteSynchronous synchronous = SqliteSynchronous.Full) =>
        new DataOptions().UseConnectionString(ProviderName.SQLiteMS, Prepare(path)).UseInterceptor(new ConnectionSettings(synchronous));

    /// <summary>
    /// The journal and the snapshot store write through connections of their own, and SQLite lets one write at a
    /// time. Left to itself, Microsoft.Data.Sqlite answers a busy database by sleeping 150 ms before it tries
    /// again, which put a 150 ms stall into a room whenever a snapshot met a journal write; SQLite's own busy
    /// handler waits in steps of a few milliseconds instead.
    /// </summary>
    private sealed class ConnectionSettings(SqliteSynchronous synchronous) : ConnectionInterceptor
    {
        // Both are settings of a connection, not of the file: each connection the plugins open gets them.
        private readonly string _pragmas =
            $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = {synchronous.ToString().ToUpperInvariant()};";

        public override void ConnectionOpened(ConnectionEventData eventData, DbConnection connection)
        {
            using var command = Pragma(connection);
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken)
        {
            await using var command = Pragma(connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        private DbCommand Pragma(DbConnection connection)
        {
            var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            return command;
        }
    }
}
