using ActorChat.Storage;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Sql;
using Akka.TestKit.Xunit2;
using Microsoft.Data.Sqlite;

namespace ActorChat.Tests.Storage;

/// <summary>
/// The journal's own SQLite writes beside the SQL plugin's: one file, two journals, the server's (ours) and the
/// plugin's as it ships (plain). What either stores, the other reads, and the rows are the same.
/// </summary>
public sealed class SqliteJournalWriterSpecs : TestKit
{
    private const string Plain = "akka.persistence.journal.plain";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly SqliteChatSpec.Database _database;

    public SqliteJournalWriterSpecs() : this(new SqliteChatSpec.Database())
    {
    }

    private SqliteJournalWriterSpecs(SqliteChatSpec.Database database)
        : base(ConfigurationFactory.ParseString(database.Config + $$"""

            akka.loglevel = WARNING
            {{Plain}} {
              class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
              connection-string = "{{database.ConnectionString.Replace("\"", "\\\"", StringComparison.Ordinal)}}"
              provider-name = "SQLite.MS"
              auto-initialize = on
            }
            """).WithFallback(SqlPersistence.DefaultConfiguration))
    {
        _database = database;
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _database.Delete();
    }

    [Fact]
    public void The_server_journal_stores_through_its_own_connection_the_same_rows_the_sql_plugin_writes()
    {
        // One event for each way the plugin names a payload's type: a string manifest (strings), a type name
        // (a record through the JSON serializer, with an actor reference in it), and none at all (bytes).
        object[] events = ["hello", new Greeting("hi", TestActor), new byte[] { 1, 2, 3 }];
        Persist("written-by-plugin", Plain, events);
        Persist("written-by-server", null, events);

        Assert.Equal(GroupCommitJournal.StoredThrough.OwnConnection, HowStored());
        var plugin = Rows("written-by-plugin");
        var server = Rows("written-by-server");
        Assert.Equal(3, server.Count);
        Assert.Equal(plugin.Select(row => row.Content), server.Select(row => row.Content));
        // Each writer stamps its rows with an id of its own and the time of the write, as the plugin does.
        Assert.All(server, row => Assert.Matches("^[0-9a-f]{32}$", row.WriterUuid));
        Assert.All(server, row => Assert.InRange(new DateTime(row.Created, DateTimeKind.Utc), DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow));
    }

    [Fact]
    public void Events_the_sql_plugin_stored_are_numbered_on_by_the_server_journal_and_both_replay_through_either()
    {
        // Data of a version that wrote through the plugin, then this version's writes after it...
        Persist("handed-over", Plain, ["one", "two"]);
        Persist("handed-over", null, ["three", "four"]);

        // ...numbered on after it, and read back by either.
        Assert.Equal(Enumerable.Range(1, 4).Select(seq => (long)seq), Rows("handed-over").Select(row => row.Content.Seq));
        Assert.Equal(["one", "two", "three", "four"], Recover("handed-over", Plain));
        Assert.Equal(["one", "two", "three", "four"], Recover("handed-over", null));
    }

    [Fact]
    public void A_tagged_event_is_refused_alone_and_nothing_of_it_is_stored()
    {
        // ActorChat tags nothing; a tag would need the plugin's tag table, which this journal does not write.
        var writer = Sys.ActorOf(Props.Create(() => new Writer("tagged", null)));
        writer.Tell(new Tagged("labelled", ["a-tag"]), TestActor);
        Assert.Contains("tags", ExpectMsg<Writer.Refused>(Deadline).Reason, StringComparison.Ordinal);
        writer.Tell("plain", TestActor);
        ExpectMsg<long>(Deadline);

        Assert.Equal(["plain"], Recover("tagged", null));
    }

    private GroupCommitJournal.StoredThrough HowStored()
    {
        var journal = Persistence.Instance.Apply(Sys).JournalFor(null);
        journal.Tell(GroupCommitJournal.HowStored.Instance, TestActor);
        return ExpectMsg<GroupCommitJournal.StoredThrough>(Deadline);
    }

    private void Persist(string persistenceId, string? journal, object[] events)
    {
        var writer = Sys.ActorOf(Props.Create(() => new Writer(persistenceId, journal)));
        foreach (var @event in events)
        {
            writer.Tell(@event, TestActor);
            ExpectMsg<long>(Deadline);
        }
        Stop(writer);
    }

    private List<object> Recover(string persistenceId, string? journal)
    {
        var reader = Sys.ActorOf(Props.Create(() => new Writer(persistenceId, journal)));
        reader.Tell(Writer.Recovered.Instance, TestActor);
        var recovered = ExpectMsg<List<object>>(Deadline);
        Stop(reader);
        return recovered;
    }

    private void Stop(IActorRef actor)
    {
        Watch(actor);
        actor.Tell(PoisonPill.Instance);
        ExpectTerminated(actor, Deadline);
    }

    private List<Row> Rows(string persistenceId)
    {
        using var connection = new SqliteConnection(_database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence_number, deleted, message, manifest, identifier, writer_uuid, created FROM journal WHERE persistence_id = $id ORDER BY ordering";
        command.Parameters.AddWithValue("$id", persistenceId);
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
        {
            var content = new Content(reader.GetInt64(0), reader.GetBoolean(1), Convert.ToHexString((byte[])reader[2]), reader.GetString(3), reader.GetInt32(4));
            rows.Add(new Row(content, reader.GetString(5), reader.GetInt64(6)));
        }
        return rows;
    }

    private sealed record Content(long Seq, bool Deleted, string Message, string Manifest, int Serializer);

    private sealed record Row(Content Content, string WriterUuid, long Created);

    public sealed record Greeting(string Text, IActorRef From);

    /// <summary>Persists what it is told through <c>journal</c> (the default one when null) and answers its number.</summary>
    private sealed class Writer : ReceivePersistentActor
    {
        public sealed class Recovered
        {
            public static readonly Recovered Instance = new();
        }

        private readonly List<object> _recovered = [];

        public sealed record Refused(string Reason);

        private IActorRef _asker = ActorRefs.Nobody;

        public Writer(string persistenceId, string? journal)
        {
            PersistenceId = persistenceId;
            if (journal is not null)
                JournalPluginId = journal;
            Recover<object>(@event =>
            {
                if (@event is not RecoveryCompleted)
                    _recovered.Add(@event);
            });
            Command<Recovered>(_ => Sender.Tell(_recovered));
            Command<object>(@event =>
            {
                _asker = Sender;
                Persist(@event, _ => Sender.Tell(LastSequenceNr));
            });
        }

        public override string PersistenceId { get; }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr) => _asker.Tell(new Refused(cause.Message));
    }
}
