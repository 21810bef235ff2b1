using Microsoft.Data.Sqlite;

namespace ActorChat.Hosting;

/// <summary>Prepares the embedded SQLite database before the journal opens it.</summary>
public static class SqliteStore
{
    /// <summary>The connection string of the database at <paramref name="path"/>, switched to write-ahead logging.</summary>
    public static string Prepare(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
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
}
