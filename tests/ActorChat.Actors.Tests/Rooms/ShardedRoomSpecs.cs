using ActorChat.Connections;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace ActorChat.Tests.Rooms;

/// <summary>Rooms as the server runs them: sharded entities in a cluster of one, so passivation is real.</summary>
public sealed class ShardedRoomSpecs : ChatSpec
{
    private static readonly RoomSettings Quick = new() { ReplayLimit = 100, DedupWindow = 200, IdleTimeout = TimeSpan.FromMilliseconds(300) };

    private readonly IActorRef _rooms;

    public ShardedRoomSpecs()
        : base(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")) + "\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }\n")
    {
        var cluster = Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        _rooms = ClusterSharding.Get(Sys).Start("rooms", room => RoomActor.PropsFor(room, Quick),
            ClusterShardingSettings.Create(Sys), new RoomMessageExtractor());
    }

    /// <summary>Joins through the shard region; returns the connection probe and the room incarnation that answered.</summary>
    private (Akka.TestKit.TestProbe Connection, IActorRef Room) JoinThroughRegion(string room, string user)
    {
        var connection = CreateTestProbe();
        _rooms.Tell(new Join(room, user, null, HubFor(room)), connection.Ref);
        connection.ExpectMsg<JoinedRoom>(ColdStartDeadline);
        return (connection, connection.LastSender);
    }

    [Fact]
    public void An_empty_idle_room_stops_and_the_next_join_recovers_it_with_its_numbering()
    {
        var (alice, firstIncarnation) = JoinThroughRegion("naps", "alice");
        _rooms.Tell(new Post("naps", "alice", "n1", "before the nap"), alice.Ref);
        ExpectFrame(alice, "ack");
        Watch(firstIncarnation);

        _rooms.Tell(new Leave("naps", "alice"), alice.Ref);
        ExpectFrame(alice, "left");

        ExpectTerminated(firstIncarnation, TimeSpan.FromSeconds(10));
        var (bob, secondIncarnation) = JoinThroughRegion("naps", "bob");
        Assert.NotEqual(firstIncarnation, secondIncarnation);
        _rooms.Tell(new Post("naps", "bob", "n2", "after the nap"), bob.Ref);
        Assert.Equal(2, ExpectFrame(bob, "ack").GetProperty("seq").GetInt64());
    }

    [Fact]
    public void A_room_says_which_node_runs_it_and_being_asked_does_not_keep_it_running()
    {
        // Asked twenty times per idle timeout: were the questions activity, the room would never stop.
        var idleTimeout = TimeSpan.FromSeconds(1);
        var rooms = ClusterSharding.Get(Sys).Start("asked-rooms", room => RoomActor.PropsFor(room, new RoomSettings { ReplayLimit = 100, DedupWindow = 200, IdleTimeout = idleTimeout }),
            ClusterShardingSettings.Create(Sys), new RoomMessageExtractor());
        var asker = CreateTestProbe();
        rooms.Tell(new WhereAreYou("lookout"), asker.Ref);
        Assert.Equal(new RoomLocation("lookout", Cluster.Get(Sys).SelfAddress.ToString()), asker.ExpectMsg<RoomLocation>(ColdStartDeadline));
        Watch(asker.LastSender);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        object? stopped = null;
        while (stopped is null && DateTime.UtcNow < deadline)
        {
            rooms.Tell(new WhereAreYou("lookout"), asker.Ref);
            stopped = ReceiveOne(idleTimeout / 20);
        }
        Assert.IsType<Terminated>(stopped);
    }

    [Fact]
    public void A_quiet_room_with_a_member_is_never_passivated()
    {
        var (_, room) = JoinThroughRegion("quiet-company", "alice");
        Watch(room);

        // Several idle timeouts pass with nobody talking: the member keeps the room alive.
        ExpectNoMsg(TimeSpan.FromSeconds(2));
    }
}
