using ActorChat.Connections;
using ActorChat.Rooms;
using ActorChat.Tests.Storage;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Persistence;

namespace ActorChat.Tests.Rooms;

/// <summary>
/// A room handed over by its shard (a rebalance, a node leaving) while a write is in flight: it acks the write before
/// it stops, so that nothing stored goes unacknowledged and the next incarnation recovers after it.
/// </summary>
public sealed class RoomHandOffSpecs() : ChatSpec(GatedJournal.Config + "\n" + File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf"))
    + "\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }\n")
{
    private IActorRef StartRegion(string typeName)
    {
        var sharding = ClusterSharding.Get(Sys);
        var settings = ClusterShardingSettings.Create(Sys);
        return sharding.Start(typeName, room => RoomActor.PropsFor(room, Settings), settings, new RoomMessageExtractor(),
            sharding.DefaultShardAllocationStrategy(settings), RoomActor.StopMessage);
    }

    [Fact]
    public void A_room_handed_over_with_a_write_in_flight_acks_it_before_it_stops()
    {
        var cluster = Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        var region = StartRegion("handed-rooms");
        var journal = Persistence.Instance.Apply(Sys).JournalFor(GatedJournal.PluginId);
        var alice = CreateTestProbe();
        region.Tell(new Join("relay", "alice", null, HubFor("relay")), alice.Ref);
        alice.ExpectMsg<JoinedRoom>(ColdStartDeadline);
        var room = alice.LastSender;
        Watch(room);

        var before = JournalAnswer(journal, GatedJournal.Close.Instance);
        region.Tell(new Post("relay", "alice", "baton", "passed on"), alice.Ref);
        AwaitAssert(() => Assert.Equal(before + 1, JournalAnswer(journal, GatedJournal.CountWrites.Instance)), ColdStartDeadline);

        // The region hands every shard over, as a node leaving the cluster does: the room is told to stop mid-write.
        region.Tell(GracefulShutdown.Instance);
        ExpectNoMsg(TimeSpan.FromSeconds(1));

        JournalAnswer(journal, GatedJournal.Open.Instance);
        Assert.Equal(1, ExpectFrame(alice, "ack").GetProperty("seq").GetInt64());
        ExpectTerminated(room, ColdStartDeadline);

        // The room's next incarnation, under another region, holds the message and numbers on after it.
        var next = StartRegion("rooms-after-hand-off");
        var bob = CreateTestProbe();
        next.Tell(new Join("relay", "bob", 0, HubFor("relay")), bob.Ref);
        var replay = bob.ExpectMsg<JoinedRoom>(ColdStartDeadline);
        Assert.Equal(1, replay.Seq);
        next.Tell(new Post("relay", "bob", "b1", "received"), bob.Ref);
        Assert.Equal(2, ExpectFrame(bob, "ack").GetProperty("seq").GetInt64());
    }

    private int JournalAnswer(IActorRef journal, object message)
    {
        journal.Tell(message, TestActor);
        return ExpectMsg<GatedJournal.Writes>(ColdStartDeadline).Count;
    }
}
