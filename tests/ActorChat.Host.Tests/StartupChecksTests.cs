using ActorChat.Rooms;
using ActorChat.Serialization;
using ActorChat.Testing;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.SBR;
using Microsoft.Extensions.DependencyInjection;

namespace ActorChat.Host.Tests;

public sealed class StartupChecksTests
{
    [Fact]
    public async Task A_server_whose_joins_could_outgrow_the_remote_frame_limit_refuses_to_start()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ChatServer.StartAsync(null, "ActorChat:Connections:MaxUnackedSends=5000"));

        Assert.Contains("MaxUnackedSends", refused.ToString(), StringComparison.Ordinal);
    }
}

public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("ActorChat:Connections:DeliveryHubs=-1", "DeliveryHubs")]
    [InlineData("ActorChat:Storage:GroupCommitInterval=00:00:05", "GroupCommitInterval")]
    [InlineData("ActorChat:Cluster:SeedNodes:0=akka.tcp://actorchat@127.0.0.1:1", "SigningKey")]
    [InlineData("ActorChat:Cluster:Discovery=Kubernetes", "SigningKey")]
    [InlineData("ActorChat:Cluster:Discovery=Config", "DiscoveryEndpoints")]
    [InlineData("ActorChat:Cluster:DiscoveryEndpoints:0=node1.internal", "DiscoveryEndpoints")]
    [InlineData("ActorChat:Cluster:RequiredContactPoints=0", "RequiredContactPoints")]
    [InlineData("ActorChat:Cluster:DiscoveryEndpoints:0=[::1]:8558", "DiscoveryEndpoints")]
    public async Task A_setting_out_of_its_bounds_stops_the_start_and_the_error_names_it(string setting, string named)
    {
        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ChatServer.StartAsync(null, setting));

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    // Bootstrap would wait for ever with any of these, logging warnings: the start is refused instead, named.
    [Theory]
    [InlineData(new[] { "ActorChat:Cluster:DiscoveryEndpoints:0=127.0.0.1:8601", "ActorChat:Cluster:DiscoveryEndpoints:1=127.0.0.1:8602" }, "must list this node too")]
    [InlineData(new[] { "ActorChat:Cluster:DiscoveryEndpoints:0=127.0.0.1:8558", "ActorChat:Cluster:RequiredContactPoints=3" }, "cannot exceed")]
    [InlineData(new[] { "ActorChat:Cluster:Hostname=0.0.0.0", "ActorChat:Cluster:DiscoveryEndpoints:0=0.0.0.0:8558" }, "PublicHostname")]
    public async Task A_discovery_that_could_never_form_a_cluster_stops_the_start(string[] settings, string named)
    {
        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            ChatServer.StartAsync(null, ["ActorChat:Cluster:Discovery=Config", "ActorChat:Auth:SigningKey=" + new string('k', 44), .. settings]));

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }
}

public sealed class ClusterTimingsTests
{
    [Fact]
    public async Task The_cluster_timings_a_node_is_set_to_are_the_ones_its_cluster_runs_with()
    {
        // None of them Akka's default or ActorChat's, and each different from the others: a value that does not
        // reach the cluster, or reaches the wrong key, shows.
        await using var server = await ChatServer.StartAsync(null,
            "ActorChat:Cluster:HeartbeatPause=00:00:04.250",
            "ActorChat:Cluster:DownUnreachableAfter=00:00:07",
            "ActorChat:Cluster:RemovalMargin=00:00:02.500");
        var system = server.Services.GetRequiredService<ActorSystem>();
        var cluster = Cluster.Get(system);

        Assert.Equal(TimeSpan.FromMilliseconds(4250), cluster.Settings.FailureDetectorConfig.GetTimeSpan("acceptable-heartbeat-pause"));
        // The downing provider the cluster loaded is the split brain resolver, keeping the majority after the pause it was given.
        var downing = Assert.IsType<SplitBrainResolverProvider>(cluster.DowningProvider);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), downing.DownRemovalMargin);
        var resolver = new SplitBrainResolverSettings(system.Settings.Config);
        Assert.Equal(SplitBrainResolverSettings.KeepMajorityName, resolver.DowningStrategy);
        Assert.Equal(TimeSpan.FromSeconds(7), resolver.DowningStableAfter);
    }
}

public sealed class WireFormatTests
{
    [Theory]
    [InlineData(null, typeof(ProtobufWireSerializer))]
    [InlineData("Binary", typeof(BinaryWireSerializer))]
    public async Task A_node_writes_the_wire_format_it_is_set_to_and_reads_both(string? format, Type written)
    {
        await using var server = await ChatServer.StartAsync(null, format is null ? [] : [$"ActorChat:Cluster:WireFormat={format}"]);
        var serialization = server.Services.GetRequiredService<ActorSystem>().Serialization;

        // Every message that may cross nodes, not the interface they share: a node writing the old encoding for
        // some and the new for others would send an old node what it cannot read.
        var wireTypes = typeof(IWireMessage).Assembly.GetTypes()
            .Where(type => typeof(IWireMessage).IsAssignableFrom(type) && type is { IsInterface: false, IsAbstract: false })
            .ToList();
        Assert.All(wireTypes.Except(BinaryWireSerializer.Newer), type => Assert.IsType(written, serialization.FindSerializerForType(type)));
        // Those newer than the binary encoding have only their contracts, which every node that knows them reads.
        Assert.NotEmpty(BinaryWireSerializer.Newer);
        Assert.All(BinaryWireSerializer.Newer, type => Assert.IsType<ProtobufWireSerializer>(serialization.FindSerializerForType(type)));
        // Whatever it writes, what either encoding carries is read by the id it arrives with.
        var post = new Post("lobby", "alice", "c-1", "hi");
        foreach (var id in new[] { ProtobufWireSerializer.SerializerId, BinaryWireSerializer.SerializerId })
        {
            var bytes = id == ProtobufWireSerializer.SerializerId
                ? new ProtobufWireSerializer((ExtendedActorSystem)serialization.System).ToBinary(post)
                : new BinaryWireSerializer((ExtendedActorSystem)serialization.System).ToBinary(post);
            Assert.Equal(post, serialization.Deserialize(bytes, id, "post"));
        }
    }
}
