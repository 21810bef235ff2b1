using ActorChat.Accounts;
using ActorChat.Rooms;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using LinqToDB;

namespace ActorChat.Hosting;

/// <summary>Where this node listens for other nodes and which nodes it joins.</summary>
public sealed class ClusterSettings
{
    public const string Section = "ActorChat:Cluster";

    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>Port for node-to-node traffic; 0 picks a free one (fine for a single node).</summary>
    public int Port { get; set; }

    /// <summary>Addresses of seed nodes (akka.tcp://actorchat@host:port); empty makes this node a cluster of one.</summary>
    public string[] SeedNodes { get; set; } = [];
}

/// <summary>Wires the chat's actors into an Akka.Hosting actor system: cluster, storage and the sharded entities.</summary>
public static class ChatHosting
{
    public const string SystemName = "actorchat";

    public static AkkaConfigurationBuilder AddActorChat(this AkkaConfigurationBuilder builder, string hocon,
        ClusterSettings cluster, StorageSettings storage, RoomSettings rooms)
    {
        if (cluster.SeedNodes.Length > 0)
        {
            // Each node's embedded SQLite file is its own: rooms moving between nodes would lose their history.
            throw new InvalidOperationException(
                $"{ClusterSettings.Section}:{nameof(ClusterSettings.SeedNodes)} needs storage shared by every node; the embedded SQLite store serves a single node only.");
        }
        var connectionString = SqliteStore.Prepare(storage.SqlitePath);
        return builder
            .AddHocon(hocon, HoconAddMode.Prepend)
            .WithRemoting(cluster.Hostname, cluster.Port)
            .WithClustering(new ClusterOptions { SeedNodes = cluster.SeedNodes })
            .WithSqlPersistence(connectionString, ProviderName.SQLiteMS)
            .WithShardRegion<RoomActor>("rooms",
                (_, _) => room => RoomActor.PropsFor(room, rooms),
                new RoomMessageExtractor(),
                new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false })
            .WithShardRegion<AccountActor>("accounts",
                (_, _) => key => Akka.Actor.Props.Create(() => new AccountActor(key)),
                new AccountMessageExtractor(),
                new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false, PassivateIdleEntityAfter = TimeSpan.FromMinutes(2) })
            .AddStartup((system, _) =>
            {
                // A node without seed nodes is a cluster of one: it joins itself.
                if (cluster.SeedNodes.Length == 0)
                {
                    var self = Cluster.Get(system);
                    self.Join(self.SelfAddress);
                }
            });
    }
}
