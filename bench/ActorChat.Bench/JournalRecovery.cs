using System.Diagnostics;
using ActorChat.Storage;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Persistence.Sql.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorChat.Bench;

/// <summary>
/// The SQLite journal as the server runs it (the SQL plugin handed its database as options of the actor system, the
/// journal's own writes, group commit, <c>synchronous=FULL</c>), on one file holding many rooms' histories: how fast
/// it stores events, and how long one room's recovery takes among the others.
/// </summary>
/// <remarks>
/// A folder without a database is filled first: every room writes its events one after another, all rooms at
/// once, and the rate is given by quarters of the fill; then 10 and 100 of the rooms write 10,000 events more. Then
/// (and on a folder filled earlier, by another build, say) the journal is started again: the first recovery after
/// the start, then rooms recovered one at a time.
/// </remarks>
internal static class JournalRecovery
{
    private const int Recovered = 21;
    private static readonly byte[] Payload = new byte[150];
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    public static async Task RunAsync(string folder, int rooms, int events, bool pluginIndexes)
    {
        var storage = new StorageSettings { DataDirectory = folder };
        if (!File.Exists(storage.SqlitePath))
        {
            using var host = await StartAsync(storage);
            var system = host.Services.GetRequiredService<ActorSystem>();
            // The plugin makes its table at the journal's start, and the journal the index beside it at its first read.
            await RecoverAsync(system, "room-warm-up");
            if (pluginIndexes)
                AddPluginIndexes(storage.SqlitePath);
            var all = Enumerable.Range(0, rooms).Select(r => system.ActorOf(Props.Create(() => new Room(RoomId(r), null)))).ToArray();
            Console.WriteLine($"filled {await WriteAsync(all, events)}");
            // Then a few rooms at a time, as a server's rooms write, on the full journal.
            foreach (var writers in new[] { 10, 100 })
                Console.WriteLine($"then {await WriteAsync(all.Where((_, r) => r % (rooms / writers) == 0).ToArray(), 10_000 / writers)}");
            await host.StopAsync();
        }

        var started = Stopwatch.GetTimestamp();
        using (var host = await StartAsync(storage))
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var first = await RecoverAsync(system, RoomId(rooms - 1));
            Console.WriteLine($"start to the first recovery: {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms ({first.Events} events, the recovery alone {first.Time.TotalMilliseconds:F0} ms)");
            var times = new List<double>();
            for (var i = 0; i < Recovered; i++)
                times.Add((await RecoverAsync(system, RoomId(i * rooms / Recovered))).Time.TotalMilliseconds);
            times.Sort();
            Console.WriteLine($"one room's recovery, {Recovered} rooms one at a time: median {times[Recovered / 2]:F1} ms, fastest {times[0]:F1} ms, slowest {times[^1]:F1} ms");
            await host.StopAsync();
        }
        Console.WriteLine($"journal: {Count(storage.SqlitePath)} events, {new FileInfo(storage.SqlitePath).Length / 1e6:F0} MB, indexes: {Indexes(storage.SqlitePath)}");
    }

    /// <summary>The server's storage part of the actor system (ChatHosting.AddActorChat), alone.</summary>
    private static async Task<IHost> StartAsync(StorageSettings storage)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAkka("bench", akka => akka
            .AddSetup(new SettingsSetup<StorageSettings>(storage))
            .AddHocon(GroupCommitJournal.Plugin, HoconAddMode.Prepend)
            .AddHocon("akka.loglevel = INFO", HoconAddMode.Prepend)
            .WithSqlPersistence(SqliteStore.Options(storage.SqlitePath, storage.SqliteSynchronous)));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Each of <paramref name="rooms"/> writes <paramref name="events"/> events one after another, all rooms at once.</summary>
    private static async Task<string> WriteAsync(IActorRef[] rooms, int events)
    {
        var total = (long)rooms.Length * events;
        var stored = 0L;
        var quarters = new List<string>();
        var started = Stopwatch.GetTimestamp();
        var quarterStarted = started;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Stored()
        {
            var now = Interlocked.Increment(ref stored);
            if (now % (total / 4) == 0)
            {
                lock (quarters)
                {
                    quarters.Add($"{total / 4 / Stopwatch.GetElapsedTime(quarterStarted).TotalSeconds:N0}");
                    quarterStarted = Stopwatch.GetTimestamp();
                }
            }
            if (now == total)
                done.SetResult();
        }
        foreach (var room in rooms)
            room.Tell(new Write(events, Stored));
        await done.Task.WaitAsync(Deadline);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return $"{rooms.Length} rooms x {events} events in {seconds:F1} s: {total / seconds:N0} events/s; by quarter: {string.Join(" / ", quarters)} events/s";
    }

    private static async Task<(long Events, TimeSpan Time)> RecoverAsync(ActorSystem system, string room)
    {
        var started = Stopwatch.GetTimestamp();
        var recovered = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = system.ActorOf(Props.Create(() => new Room(room, recovered)));
        var events = await recovered.Task.WaitAsync(Deadline);
        system.Stop(actor);
        return (events, Stopwatch.GetElapsedTime(started));
    }

    // The other indexes the plugin's own schema has on SQLite, for a comparison of write costs.
    private static void AddPluginIndexes(string path) =>
        Execute(path, "CREATE INDEX IF NOT EXISTS journal_created_idx ON journal (created); CREATE INDEX IF NOT EXISTS journal_sequence_number_idx ON journal (sequence_number);");

    private static string RoomId(int index) => $"room-bench-{index:D5}";

    private static long Count(string path) => (long)Execute(path, "SELECT COUNT(*) FROM journal")!;

    private static object? Indexes(string path) => Execute(path,
        "SELECT group_concat(name, ', ') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal' AND sql IS NOT NULL ORDER BY name)");

    private static object? Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private sealed record Write(int Count, Action Stored);

    /// <summary>A room's journal: recovers, then writes the events it is told to, one after another.</summary>
    private sealed class Room : ReceivePersistentActor
    {
        private long _recovered;

        public Room(string persistenceId, TaskCompletionSource<long>? recovered)
        {
            PersistenceId = persistenceId;
            Recover<byte[]>(_ => _recovered++);
            Recover<RecoveryCompleted>(_ => recovered?.SetResult(_recovered));
            Command<Write>(write =>
            {
                if (write.Count > 0)
                {
                    Persist(Payload, _ =>
                    {
                        write.Stored();
                        Self.Tell(write with { Count = write.Count - 1 });
                    });
                }
            });
        }

        public override string PersistenceId { get; }
    }
}
