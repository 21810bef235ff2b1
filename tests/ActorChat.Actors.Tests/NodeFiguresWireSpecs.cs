using ActorChat.Diagnostics;
using ActorChat.Serialization;

namespace ActorChat.Tests;

/// <summary>What the operator console of one node asks the others, and what they answer, as it crosses nodes.</summary>
public sealed class NodeFiguresWireSpecs() : ChatSpec(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")) + "\nakka.actor.provider = local\n")
{
    public static TheoryData<object> ConsoleMessages() =>
    [
        GetNodeFigures.Instance,
        new NodeFigures("akka.tcp://actorchat@10.0.0.7:2551", Metered: false),
        new NodeFigures("akka.tcp://actorchat@10.0.0.5:2551", Metered: true)
        {
            Rooms = 12,
            Connections = 3_400,
            MessagesStored = 98_765,
            Deliveries = 1_234_567,
            OutboxOverflows = 2,
            InboundThrottled = 17,
            UnreachableNodes = 1,
            IntervalSeconds = 1.52,
            MessagesStoredPerSecond = 41.5,
            DeliveriesPerSecond = 980.25,
            JournalWrites = new JournalWrites(Count: 30, Mean: 1.8, P50: 1.4, P99: 9.5),
        },
    ];

    [Theory]
    [MemberData(nameof(ConsoleMessages))]
    public void The_console_question_and_each_nodes_figures_cross_nodes_in_their_protobuf_contracts(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<ProtobufWireSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);

        Assert.Equal(message, Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest));
    }

    [Fact]
    public void The_binary_encoding_of_earlier_versions_has_none_for_them()
    {
        var binary = new BinaryWireSerializer((Akka.Actor.ExtendedActorSystem)Sys);

        Assert.Equal([typeof(GetNodeFigures), typeof(NodeFigures)], BinaryWireSerializer.Newer.OrderBy(type => type.Name));
        Assert.Throws<ArgumentException>(() => binary.Manifest(GetNodeFigures.Instance));
    }
}
