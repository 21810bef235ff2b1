using ActorChat.Storage;
using LinqToDB.Data;

namespace ActorChat.Tests.Storage;

public sealed class SqliteStoreSpecs : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "actorchat-store-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Every_connection_the_journal_opens_waits_in_sqlite_for_a_busy_database_and_the_file_uses_write_ahead_logging()
    {
        using var db = new DataConnection(SqliteStore.Options(Path.Combine(_folder, "chat.db")));

        Assert.Equal(5000, db.Execute<long>("PRAGMA busy_timeout"));
        Assert.Equal("wal", db.Execute<string>("PRAGMA journal_mode"));
        Assert.Equal(2, db.Execute<long>("PRAGMA synchronous")); // FULL: an ack survives a power loss
    }

    [Fact]
    public void Normal_synchronous_is_there_for_whoever_chooses_it()
    {
        using var db = new DataConnection(SqliteStore.Options(Path.Combine(_folder, "chat.db"), SqliteSynchronous.Normal));

        Assert.Equal(1, db.Execute<long>("PRAGMA synchronous"));
    }
}
