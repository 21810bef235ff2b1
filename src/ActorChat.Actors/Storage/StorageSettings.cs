using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorChat.Storage;

/// <summary>Which database keeps messages and accounts.</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file in the data directory: one node, nothing to install.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database shared by every node of a cluster.</summary>
    PostgreSql,
}

/// <summary>When a SQLite commit is flushed to the disk (SQLite's <c>synchronous</c> pragma, in write-ahead-log mode).</summary>
public enum SqliteSynchronous
{
    /// <summary>Every commit reaches the disk before it is acknowledged: an ack survives a power loss.</summary>
    Full,

    /// <summary>
    /// Commits reach the disk at checkpoints: an ack survives a crash or restart of the server, but the newest
    /// acknowledged messages can be lost if the machine itself loses power or crashes.
    /// </summary>
    Normal,
}

/// <summary>Where messages, accounts and keys are kept, bound from the <c>ActorChat:Storage</c> configuration section.</summary>
public sealed class StorageSettings
{
    public const string Section = "ActorChat:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Folder for the SQLite database and the generated token signing key; created when missing.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The SQLite database file; relative paths are taken inside <see cref="DataDirectory"/>.</summary>
    public string SqliteFile { get; set; } = "actorchat.db";

    /// <summary>How far a SQLite commit has gone before a message is acknowledged.</summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>
    /// SQLite: the shortest time between the starts of two journal transactions. Every room's messages arriving
    /// within it are stored together, in one flush to the disk; a message after a quiet spell is stored at once.
    /// Zero gives every write its own transaction as soon as the last one is done.
    /// </summary>
    public TimeSpan GroupCommitInterval { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>The PostgreSQL connection string (Npgsql syntax), when <see cref="Provider"/> is PostgreSql.</summary>
    public string ConnectionString { get; set; } = "";

    public string SqlitePath => Path.GetFullPath(Path.Combine(DataDirectory, SqliteFile));

    /// <summary>
    /// The SQLite file of the message table, beside <see cref="SqliteFile"/> (<c>actorchat.db</c> gives
    /// <c>actorchat.messages.db</c>). A file of its own has a write lock of its own: the table's writes never make
    /// the journal wait.
    /// </summary>
    public string MessageTablePath => Path.ChangeExtension(SqlitePath, null) + ".messages" + Path.GetExtension(SqlitePath);

    /// <summary>True when every node of a cluster can see the same data.</summary>
    public bool IsShared => Provider == StorageProvider.PostgreSql;

    public void Validate()
    {
        if (GroupCommitInterval < TimeSpan.Zero || GroupCommitInterval > TimeSpan.FromSeconds(1))
            throw new InvalidOperationException($"{Section}:{nameof(GroupCommitInterval)} must be between 0 and 1 second.");
        if (Provider == StorageProvider.PostgreSql && string.IsNullOrWhiteSpace(ConnectionString))
            throw new InvalidOperationException($"{Section}:{nameof(ConnectionString)} is required with the PostgreSql provider.");
    }

    /// <summary>
    /// Writes one row for <paramref name="node"/> (the table is created on first use): true when the database took it
    /// within <paramref name="cancellationToken"/>'s time. Readiness uses it only when the journal has not written lately.
    /// </summary>
    public async Task<bool> ProbeWriteAsync(string node, CancellationToken cancellationToken)
    {
        try
        {
            await using System.Data.Common.DbConnection connection = Provider == StorageProvider.PostgreSql
                ? new NpgsqlConnection(ConnectionString)
                : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = SqlitePath, Mode = SqliteOpenMode.ReadWrite }.ToString());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandTimeout = 2;
            command.CommandText = """
                CREATE TABLE IF NOT EXISTS actorchat_health (node VARCHAR(255) PRIMARY KEY, checked_at BIGINT NOT NULL);
                INSERT INTO actorchat_health (node, checked_at) VALUES (@node, @at)
                ON CONFLICT (node) DO UPDATE SET checked_at = excluded.checked_at;
                """;
            var nodeParameter = command.CreateParameter();
            nodeParameter.ParameterName = "node";
            nodeParameter.Value = node;
            command.Parameters.Add(nodeParameter);
            var atParameter = command.CreateParameter();
            atParameter.ParameterName = "at";
            atParameter.Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            command.Parameters.Add(atParameter);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }
}
