using ActorChat.Accounts;
using ActorChat.Connections;
using ActorChat.Delivery;
using ActorChat.Rooms;
using ActorChat.Serialization;
using ActorChat.Storage;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using LinqToDB;

namespace ActorChat.Hosting;

/// <summary>Everything the chat's actors are built from, as the host bound and validated it.</summary>
/// <param name="Hocon">Akka's own settings that are not an operator's (serializers, sharding, the leader's intervals): the contents of <c>HOCON.conf</c>.</param>
public sealed record ChatOptions(string Hocon, ClusterSettings Cluster, StorageSettings Storage, RoomSettings Rooms, ConnectionSettings Connections)
{
    /// <summary>Stamps the rooms' events; the system clock when null.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>The server's administrators; none when not given.</summary>
    public AdminSettings Admin { get; init; } = new();
}

/// <summary>Wires the chat's actors into an Akka.Hosting actor system: cluster, storage and the sharded entities.</summary>
public static class ChatHosting
{
    // Every message that may cross nodes and has a binary encoding, each by its own type. HOCON.conf binds them to the
    // Protobuf contracts through IWireMessage; a binding of the exact type comes first, so binding each type moves them
    // all to another encoding without Akka warning that the interface's binding was overridden.
    private static readonly Type[] WireTypes = typeof(IWireMessage).Assembly.GetTypes()
        .Where(type => typeof(IWireMessage).IsAssignableFrom(type) && type is { IsInterface: false, IsAbstract: false })
        .Where(type => !BinaryWireSerializer.Newer.Contains(type))
        .ToArray();

    // The cluster's timings that Akka.Cluster.Hosting has no option for, as a Config built from the values: HOCON reads
    // a bare number of a duration as milliseconds.
    private static Config DowningTimings(ClusterSettings cluster) => ConfigurationFactory.FromObject(new Dictionary<string, object>
    {
        ["akka"] = new Dictionary<string, object>
        {
            ["cluster"] = new Dictionary<string, object>
            {
                ["down-removal-margin"] = (long)cluster.RemovalMargin.TotalMilliseconds,
                ["split-brain-resolver"] = new Dictionary<string, object> { ["stable-after"] = (long)cluster.DownUnreachableAfter.TotalMilliseconds },
            },
        },
    });

    private static ClusterOptions Clustering(ClusterSettings cluster) => new()
    {
        SeedNodes = ClusterFormation.SeedNodes(cluster),
        FailureDetector = new PhiAccrualFailureDetectorOptions { AcceptableHeartbeatPause = cluster.HeartbeatPause },
        // Writes the downing provider and the strategy; the resolver's stable-after is in DowningTimings.
        SplitBrainResolver = new KeepMajorityOption(),
    };

    private static RemoteOptions Remoting(ClusterSettings cluster)
    {
        var tls = NodeTls.Options(cluster);
        var options = new RemoteOptions
        {
            HostName = cluster.Hostname,
            Port = cluster.Port,
            PublicHostName = string.IsNullOrEmpty(cluster.PublicHostname) ? null : cluster.PublicHostname,
        };
        if (tls is not null)
        {
            options.EnableSsl = true;
            options.Ssl = tls;
        }
        return options;
    }

    public const string SystemName = "actorchat";

    public static AkkaConfigurationBuilder AddActorChat(this AkkaConfigurationBuilder builder, ChatOptions options)
    {
        var (cluster, storage, rooms, connections) = (options.Cluster, options.Storage, options.Rooms, options.Connections);
        if (cluster.IsMultiNode && !storage.IsShared)
        {
            // Each node's embedded SQLite file is its own: rooms moving between nodes would lose their history.
            throw new InvalidOperationException(
                $"A cluster of several nodes ({ClusterSettings.Section}:{nameof(ClusterSettings.SeedNodes)} or {nameof(ClusterSettings.Discovery)}) needs storage shared by every node: set {StorageSettings.Section}:{nameof(StorageSettings.Provider)} to PostgreSql.");
        }
        var dataOptions = storage.Provider == StorageProvider.PostgreSql
            ? new DataOptions().UseConnectionString(ProviderName.PostgreSQL15, storage.ConnectionString)
            : SqliteStore.Options(storage.SqlitePath, storage.SqliteSynchronous);
        var clock = options.Clock;
        if (cluster.WireFormat == WireFormat.Binary)
            builder.WithCustomSerializer("actorchat-wire-binary", WireTypes, system => new BinaryWireSerializer(system));
        return builder
            .AddSetup(new SettingsSetup<StorageSettings>(storage))
            .AddSetup(new SettingsSetup<ConnectionSettings>(connections))
            .AddSetup(new SettingsSetup<AdminSettings>(options.Admin))
            .AddHocon(GroupCommitJournal.Plugin, HoconAddMode.Prepend)
            .AddHocon(CompactMailbox.Hocon, HoconAddMode.Prepend)
            .AddHocon(options.Hocon, HoconAddMode.Prepend)
            .AddHocon(DowningTimings(cluster), HoconAddMode.Prepend)
            .WithRemoting(Remoting(cluster))
            .WithClustering(Clustering(cluster))
            .WithClusterFormation(cluster)
            .WithSqlPersistence(dataOptions)
            .WithShardRegion<RoomActor>("rooms",
                // The accounts' region starts after this one: each room looks it up when it starts.
                (_, registry) => room => RoomActor.PropsFor(room, rooms, registry.Get<AccountActor>(), clock),
                new RoomMessageExtractor(),
                new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false, HandOffStopMessage = RoomActor.StopMessage })
            .WithDistributedPubSub(string.Empty)
            // An account with open connections stays in memory (it holds their registry); one without any stops
            // itself when idle.
            .WithShardRegion<AccountActor>(AccountActor.RegionName,
                (system, registry) =>
                {
                    var mediator = Akka.Cluster.Tools.PublishSubscribe.DistributedPubSub.Get(system).Mediator;
                    var roomRegion = registry.Get<RoomActor>();
                    return key => AccountActor.PropsFor(key, connections.MaxConnectionsPerUser, mediator, rooms.Invitations, rooms: roomRegion);
                },
                new AccountMessageExtractor(),
                new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false, HandOffStopMessage = AccountActor.StopMessage })
            .WithActors((system, _) => Delivery.DeliveryHubs.Get(system))
            .WithActors((system, _) => SessionGuard.Get(system))
            .WithActors((system, _) => system.ActorOf(Props.Create<QuarantineWatch>(), "quarantine-watch"))
            // Watching from the start: a partition may begin before the first write.
            .WithActors((system, _) => WriteFence.Get(system))
            .AddStartup((system, registry) =>
            {
                var self = Cluster.Get(system);
                // A node without seed nodes or bootstrap is a cluster of one: it joins itself.
                if (ClusterFormation.JoinsItself(cluster))
                    self.Join(self.SelfAddress);
                var roomRegion = registry.Get<RoomActor>();
                self.RegisterOnMemberUp(() => ProjectionRebuild.RunAsync(system, roomRegion, rooms.ReadJournalPluginId)
                    .ContinueWith(failed => system.Log.Error(failed.Exception, "The message table could not be rebuilt from the journals"),
                        TaskContinuationOptions.OnlyOnFaulted));
            });
    }
}
