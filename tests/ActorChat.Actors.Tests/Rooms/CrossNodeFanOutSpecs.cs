using ActorChat.Connections;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.TestKit;

namespace ActorChat.Tests.Rooms;

/// <summary>A room on one node and members on another, over real remoting with our serializers.</summary>
public sealed class CrossNodeFanOutSpecs : ChatSpec
{
    private static readonly string[] FarUsers = ["bob", "carol", "dave"];

    private readonly OtherNode _other;
    private readonly ActorSystem _otherNode;

    public CrossNodeFanOutSpecs()
        : base(OtherNode.Config)
    {
        _other = new OtherNode(Sys);
        _otherNode = _other.System;
    }

    protected override void AfterAll()
    {
        _other.Dispose();
        base.AfterAll();
    }

    /// <summary>The room as the other node sees it: a remote reference.</summary>
    private IActorRef FromOtherNode(IActorRef room) => _other.ResolveAsync(room, ColdStartDeadline).Result;

    private TestProbe JoinFromOtherNode(IActorRef room, string user)
    {
        var connection = CreateTestProbe(_otherNode);
        FromOtherNode(room).Tell(new Join("far", user, null, HubFor("far", _otherNode)), connection.Ref);
        connection.ExpectMsg<JoinedRoom>(ColdStartDeadline);
        return connection;
    }

    [Fact]
    public void A_message_crosses_to_another_node_once_and_its_members_share_the_same_bytes()
    {
        var room = StartRoom("far");
        var (alice, _) = Join(room, "far", "alice");
        var remote = FarUsers.Select(user => JoinFromOtherNode(room, user)).ToList();
        for (var i = 0; i < remote.Count; i++)
        {
            ExpectFrame(alice, "presence");
            foreach (var earlier in remote.Take(i))
                ExpectFrame(earlier, "presence");
        }

        room.Tell(new Post("far", "alice", "x1", "hello, other node"), alice.Ref);

        Assert.Equal(1, alice.ExpectMsg<Acked>(ColdStartDeadline).Seq);
        var deliveries = remote.Select(connection => connection.ExpectMsg<DeliverSequenced>(ColdStartDeadline)).ToList();
        Assert.All(deliveries, d => Assert.Equal(1, d.Seq));
        // One message per node: the node deserialized the frame once and handed the same array to each member.
        Assert.Same(deliveries[0].Frame, deliveries[1].Frame);
        Assert.Same(deliveries[0].Frame, deliveries[2].Frame);
        Assert.Equal("hello, other node", Json(deliveries[0].Frame).GetProperty("text").GetString());
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_remote_sender_gets_its_ack_and_not_its_own_message()
    {
        var room = StartRoom("far");
        var (alice, _) = Join(room, "far", "alice");
        var bob = JoinFromOtherNode(room, "bob");
        var carol = JoinFromOtherNode(room, "carol");
        ExpectFrame(alice, "presence");
        ExpectFrame(alice, "presence");
        ExpectFrame(bob, "presence");

        FromOtherNode(room).Tell(new Post("far", "bob", "b1", "from afar"), bob.Ref);

        Assert.Equal("b1", bob.ExpectMsg<Acked>(ColdStartDeadline).Id);
        Assert.Equal("from afar", Json(carol.ExpectMsg<DeliverSequenced>(ColdStartDeadline).Frame).GetProperty("text").GetString());
        Assert.Equal("from afar", ExpectFrame(alice, "message").GetProperty("text").GetString());
        bob.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
