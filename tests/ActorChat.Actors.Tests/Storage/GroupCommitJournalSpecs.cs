using ActorChat;
using ActorChat.Storage;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using Microsoft.Data.Sqlite;

namespace ActorChat.Tests.Storage;

/// <summary>
/// The SQLite journal with a long group-commit interval, so that what is held and what is stored together can be
/// seen without timing anything: writes made while an interval runs wait for its end and share one transaction.
/// </summary>
public sealed class GroupCommitJournalSpecs : TestKit
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly SqliteChatSpec.Database _database;

    public GroupCommitJournalSpecs() : this(new SqliteChatSpec.Database())
    {
    }

    private GroupCommitJournalSpecs(SqliteChatSpec.Database database)
        : base(ActorSystemSetup.Create(
            BootstrapSetup.Create().WithConfig(ConfigurationFactory.ParseString(database.Config + """

                akka.loglevel = WARNING
                akka.actor.serializers.refusing = "ActorChat.Tests.Storage.GroupCommitJournalSpecs+RefusingSerializer, ActorChat.Actors.Tests"
                akka.actor.serialization-bindings { "ActorChat.Tests.Storage.GroupCommitJournalSpecs+Unstorable, ActorChat.Actors.Tests" = refusing }
                """).WithFallback(SqlPersistence.DefaultConfiguration)),
            new SettingsSetup<StorageSettings>(new StorageSettings { GroupCommitInterval = Interval })))
    {
        _database = database;
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _database.Delete();
    }

    [Fact]
    public void Writes_of_many_rooms_within_one_interval_are_stored_in_one_transaction_and_each_room_is_answered_for_its_own()
    {
        // The first write after a quiet spell goes at once and starts an interval...
        var first = Sys.ActorOf(Writer.Props("room-0", TestActor));
        first.Tell("opening");
        ExpectMsg(new Stored("room-0", "opening", 1), Deadline);

        // ...and the writes of thirty rooms made during it wait for its end, then go together.
        var writers = Enumerable.Range(1, 30).Select(i => Sys.ActorOf(Writer.Props($"room-{i}", TestActor))).ToList();
        for (var i = 0; i < writers.Count; i++)
            writers[i].Tell($"said in room-{i + 1}");

        var stored = ReceiveN(30, Deadline).Cast<Stored>().ToHashSet();
        Assert.Equal(Enumerable.Range(1, 30).Select(i => new Stored($"room-{i}", $"said in room-{i}", 1)).ToHashSet(), stored);
        // The journal stamps every row of one write with the same time: one time for thirty rooms is one write.
        Assert.Equal(1, CountDistinct("SELECT COUNT(DISTINCT created) FROM journal WHERE persistence_id <> 'room-0'"));
        Assert.Equal(30, CountDistinct("SELECT COUNT(*) FROM journal WHERE persistence_id <> 'room-0'"));
    }

    [Fact]
    public void A_write_the_journal_refuses_fails_only_its_own_room_in_a_shared_transaction()
    {
        var opener = Sys.ActorOf(Writer.Props("opener", TestActor));
        opener.Tell("opening");
        ExpectMsg(new Stored("opener", "opening", 1), Deadline);

        var good = Sys.ActorOf(Writer.Props("good", TestActor));
        var bad = Sys.ActorOf(Writer.Props("bad", TestActor));
        var after = Sys.ActorOf(Writer.Props("after", TestActor));
        good.Tell("kept");
        bad.Tell(new Unstorable());
        after.Tell("kept too");

        var answers = ReceiveN(3, Deadline).ToList();
        Assert.Contains(new Stored("good", "kept", 1), answers);
        Assert.Contains(new Stored("after", "kept too", 1), answers);
        Assert.Contains(new Refused("bad"), answers);
    }

    [Fact]
    public void A_room_restarted_while_its_write_is_held_recovers_with_that_write_and_numbers_on_after_it()
    {
        var writer = Sys.ActorOf(Writer.Props("restarted", TestActor));
        writer.Tell("one");
        ExpectMsg(new Stored("restarted", "one", 1), Deadline);

        // Held for the rest of the interval; the room stops meanwhile and a new incarnation starts at once.
        writer.Tell("two");
        Watch(writer);
        writer.Tell(PoisonPill.Instance);
        ExpectTerminated(writer, Deadline);
        var again = Sys.ActorOf(Writer.Props("restarted", TestActor));
        again.Tell("three");

        // The first incarnation is gone and never hears of "two"; the second recovers it and numbers on after it.
        ExpectMsg(new Stored("restarted", "three", 3), Deadline);
        again.Tell(Writer.Recovered.Instance);
        Assert.Equal(["one", "two"], ExpectMsg<IReadOnlyList<string>>(Deadline));
    }

    [Fact]
    public void A_write_after_a_quiet_spell_is_stored_without_waiting_for_an_interval()
    {
        // Recovery warms the journal up without writing, so no interval is running when the write comes.
        var writer = Sys.ActorOf(Writer.Props("quiet", TestActor));
        writer.Tell(Writer.Recovered.Instance);
        Assert.Empty(ExpectMsg<IReadOnlyList<string>>(Deadline));
        writer.Tell("alone");

        // Well inside the interval, however slow the machine: a held write would take all of it.
        ExpectMsg(new Stored("quiet", "alone", 1), Interval / 2);
    }

    private long CountDistinct(string sql)
    {
        using var connection = new SqliteConnection(_database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public sealed record Stored(string Room, string Text, long Seq);

    public sealed record Refused(string Room);

    /// <summary>An event no serializer can store: the journal rejects its write.</summary>
    public sealed class Unstorable;

    public sealed class RefusingSerializer(ExtendedActorSystem system) : Serializer(system)
    {
        public override int Identifier => 9_901;

        public override bool IncludeManifest => false;

        public override byte[] ToBinary(object obj) => throw new InvalidOperationException("This event cannot be stored.");

        public override object FromBinary(byte[] bytes, Type? type) => throw new InvalidOperationException("Nothing of this kind is ever stored.");
    }

    /// <summary>A room reduced to its storage: persists what it is told and reports each write to a probe.</summary>
    private sealed class Writer : ReceivePersistentActor
    {
        public sealed class Recovered
        {
            public static readonly Recovered Instance = new();
        }

        private readonly List<string> _recovered = [];

        public Writer(string persistenceId, IActorRef probe)
        {
            PersistenceId = persistenceId;
            Recover<string>(_recovered.Add);
            Command<string>(text => Persist(text, stored => probe.Tell(new Stored(persistenceId, stored, LastSequenceNr))));
            Command<Unstorable>(unstorable => Persist(unstorable, _ => probe.Tell(new Stored(persistenceId, "?", LastSequenceNr))));
            Command<Recovered>(_ => Sender.Tell((IReadOnlyList<string>)_recovered));
            _probe = probe;
        }

        private readonly IActorRef _probe;

        public override string PersistenceId { get; }

        public static Props Props(string persistenceId, IActorRef probe) => Akka.Actor.Props.Create(() => new Writer(persistenceId, probe));

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr) => _probe.Tell(new Refused(PersistenceId));
    }
}
