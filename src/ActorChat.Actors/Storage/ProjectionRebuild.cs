using ActorChat.Rooms;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorChat.Storage;

/// <summary>
/// Rebuilds the message table from the rooms' journals when it was made afresh while the journals hold rooms (it was
/// lost). Every room catches its own rows up when it starts,
/// and its read markers with them; this starts each room once, a few at a time, so that unread counts and the
/// directory are whole again without waiting for anyone to open a room. The room lists are the table's own and are
/// not in any journal: they come back only from a backup of the table.
/// </summary>
public static class ProjectionRebuild
{
    /// <summary>How many rooms recover at once during a rebuild.</summary>
    private const int Parallelism = 4;

    private static readonly TimeSpan RoomDeadline = TimeSpan.FromMinutes(2);

    /// <summary>Runs the rebuild when <see cref="MessageTable.ProjectionCreated"/>; <paramref name="rooms"/> is the rooms' shard region.</summary>
    public static async Task RunAsync(ActorSystem system, IActorRef rooms, string readJournalPluginId)
    {
        var table = MessageTable.Get(system);
        await table.SchemaReady.ConfigureAwait(false);
        if (!table.ProjectionCreated)
            return;
        var log = Logging.GetLogger(system, typeof(ProjectionRebuild));
        var names = await PersistenceQuery.Get(system).ReadJournalFor<ICurrentPersistenceIdsQuery>(readJournalPluginId)
            .CurrentPersistenceIds()
            .Where(id => id.StartsWith(RoomActor.PersistenceIdPrefix, StringComparison.Ordinal))
            .Select(id => id[RoomActor.PersistenceIdPrefix.Length..])
            .RunWith(Sink.Seq<string>(), system.Materializer()).ConfigureAwait(false);
        if (names.Count == 0)
            return;
        log.Warning("The message table was made afresh while the journal holds {0} rooms: rebuilding it from their journals", names.Count);
        var failed = 0;
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (room, cancel) =>
        {
            try
            {
                // A room answers once it recovered, which caught its rows up.
                await rooms.Ask<RoomLocation>(new WhereAreYou(room), RoomDeadline, cancel).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                Interlocked.Increment(ref failed);
                log.Warning("Room {0} did not recover for the rebuild; it catches up the next time it starts", room);
            }
        }).ConfigureAwait(false);
        log.Info("The message table is rebuilt from {0} rooms' journals ({1} to catch up when they next start)", names.Count, failed);
    }
}
