using ActorChat.Storage;
using Akka.Configuration;
using Akka.Persistence.Sql;

namespace ActorChat.Tests.Storage;

/// <summary>Room specs on the storage the server ships with: Akka.Persistence.Sql on a SQLite file of the spec's own.</summary>
public abstract class SqliteChatSpec(SqliteChatSpec.Database database)
    : ChatSpec(ConfigurationFactory.ParseString(database.Config + "\nakka.loglevel = WARNING\n")
        .WithFallback(SqlPersistence.DefaultConfiguration))
{
    protected override void AfterAll()
    {
        base.AfterAll();
        database.Delete();
    }

    /// <summary>A throwaway SQLite file and the HOCON that points the journal, snapshots and queries at it.</summary>
    public sealed class Database
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "actorchat-spec-" + Guid.NewGuid().ToString("N"));

        /// <param name="extraConfig">More HOCON for the spec, beside the storage settings.</param>
        public Database(string? extraConfig = null)
        {
            ConnectionString = SqliteStore.Prepare(Path.Combine(_folder, "chat.db"));
            var connection = ConnectionString.Replace("\"", "\\\"", StringComparison.Ordinal);
            var plugin = $"connection-string = \"{connection}\"\nprovider-name = \"SQLite.MS\"\nauto-initialize = on\n";
            Config = $$"""
                akka.persistence.journal.plugin = "akka.persistence.journal.sql"
                akka.persistence.journal.sql { {{plugin}} }
                akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.sql"
                akka.persistence.snapshot-store.sql { {{plugin}} }
                akka.persistence.query.journal.sql { {{plugin}} }
                {{GroupCommitJournal.Plugin}}
                """ + "\n" + extraConfig;
        }

        public string Config { get; }

        public string ConnectionString { get; }

        public void Delete()
        {
            try { Directory.Delete(_folder, recursive: true); }
            catch (IOException) { }
        }
    }
}
