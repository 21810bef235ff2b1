using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorChat.Storage;

/// <summary>
/// The database the message table lives in, with the photos' descriptions beside it: the PostgreSQL database shared
/// by every node, or this node's own SQLite file. It opens connections, makes commands and runs schema statements;
/// what is in the tables is for their owners (<see cref="MessageTable"/>, <see cref="MemberRows"/>,
/// <see cref="AttachmentStore"/>).
/// </summary>
internal sealed class TableDatabase : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly NpgsqlDataSource? _dataSource;

    /// <param name="postgres">True for PostgreSQL; false for SQLite, where <paramref name="connectionString"/> names the file.</param>
    public TableDatabase(bool postgres, string connectionString)
    {
        _connectionString = connectionString;
        if (postgres)
            _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>True on PostgreSQL, shared by every node; false on the embedded SQLite file.</summary>
    public bool IsShared => _dataSource is not null;

    public async Task<DbConnection> OpenAsync()
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

    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
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

    /// <summary>A time as the tables store it: UTC ticks.</summary>
    public static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    /// <summary>
    /// Runs <paramref name="schema"/> (statements that make what is missing and leave what exists), then
    /// <paramref name="then"/>, on a connection of this database. The one place schema is made: two PostgreSQL
    /// nodes creating the same table at once race, and the loser tries again and finds it made.
    /// </summary>
    public async Task ApplySchemaAsync(string schema, Func<DbConnection, Task>? then = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenAsync().ConfigureAwait(false);
                await using (var command = Command(connection, schema))
                    await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                if (then is not null)
                    await then(connection).ConfigureAwait(false);
                return;
            }
            catch (PostgresException e) when (attempt < 3 && e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
            await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
