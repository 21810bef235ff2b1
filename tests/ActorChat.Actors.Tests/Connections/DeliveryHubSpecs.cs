using ActorChat.Connections;
using ActorChat.Delivery;
using ActorChat.Rooms;

namespace ActorChat.Tests.Connections;

/// <summary>What a node's delivery hub promises the connections behind it.</summary>
public sealed class DeliveryHubSpecs : ChatSpec
{
    [Fact]
    public void A_room_that_restarted_reaches_a_member_only_once_that_member_has_joined_it_again()
    {
        var first = StartRoom("moved");
        var (alice, _) = Join(first, "moved", "alice");
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        var second = StartRoom("moved");
        var (bob, _) = Join(second, "moved", "bob");
        second.Tell(new Post("moved", "bob", "b1", "alice has not joined me yet"), bob.Ref);
        ExpectFrame(bob, "ack");
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        second.Tell(new Join("moved", "alice", 0, HubFor("moved")), alice.Ref);
        var joined = Json(alice.ExpectMsg<JoinedRoom>().Frame);
        Assert.Equal([1L], Seqs(joined.GetProperty("messages")));
        ExpectFrame(bob, "presence");
        second.Tell(new Post("moved", "bob", "b2", "now she has"), bob.Ref);
        ExpectFrame(bob, "ack");
        Assert.Equal(2, alice.ExpectMsg<DeliverSequenced>().Seq);
    }

    [Fact]
    public void A_member_that_left_gets_its_left_frame_and_nothing_of_the_room_after_it()
    {
        var room = StartRoom("door");
        var (alice, _) = Join(room, "door", "alice");
        var (bob, _) = Join(room, "door", "bob");
        ExpectFrame(alice, "presence");

        room.Tell(new Leave("door", "alice"), alice.Ref);
        ExpectFrame(alice, "left");
        room.Tell(new Post("door", "bob", "b1", "after she left"), bob.Ref);

        ExpectFrame(bob, "presence");
        ExpectFrame(bob, "ack");
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Rooms_of_one_name_always_reach_a_node_through_the_same_hub_and_busy_names_spread_over_several()
    {
        var hubs = DeliveryHubs.Get(Sys);

        Assert.Same(hubs.For("lobby"), hubs.For("lob" + "by"));
        var used = Enumerable.Range(0, 200).Select(i => hubs.For($"room-{i}")).Distinct().Count();
        Assert.Equal(Math.Max(Environment.ProcessorCount, 1), used);
    }
}
