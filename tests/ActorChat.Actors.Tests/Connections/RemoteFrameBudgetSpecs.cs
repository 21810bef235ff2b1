using ActorChat.Connections;
using ActorChat.Delivery;
using ActorChat.Protocol;
using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Tests.Connections;

/// <summary>What a connection sends its room whole, against Akka.Remote's default frame limit, over real remoting.</summary>
public sealed class RemoteFrameBudgetSpecs : ChatSpec
{
    private readonly OtherNode _roomNode;

    public RemoteFrameBudgetSpecs()
        : base(OtherNode.Config)
    {
        _roomNode = new OtherNode(Sys);
    }

    protected override void AfterAll()
    {
        _roomNode.Dispose();
        base.AfterAll();
    }

    /// <summary>A probe on the other node where a room would be, and how this node addresses it.</summary>
    private (Akka.TestKit.TestProbe Room, IActorRef Remote) RoomOnOtherNode()
    {
        var room = CreateTestProbe(_roomNode.System);
        return (room, _roomNode.ResolveFromSpecAsync(room.Ref, ColdStartDeadline).Result);
    }

    // Ids as long as the protocol allows, of characters that take three bytes each in UTF-8.
    private Join JoinHandingBack(int unacked) =>
        new("lobby", "alice", 12, HubFor("lobby"), Enumerable.Repeat(new string('\u20AC', Limits.MaxClientIdLength), unacked).ToArray());

    [Fact]
    public void A_join_handing_back_the_most_unacknowledged_sends_a_connection_may_hold_reaches_a_room_on_another_node()
    {
        var (room, remote) = RoomOnOtherNode();

        remote.Tell(JoinHandingBack(new ConnectionSettings().MaxUnackedSends));

        var join = room.ExpectMsg<Join>(ColdStartDeadline);
        Assert.Equal(new ConnectionSettings().MaxUnackedSends, join.Unacked!.Count);
    }

    [Fact]
    public void A_join_past_the_frame_limit_is_lost_between_nodes_which_is_why_start_up_refuses_such_settings()
    {
        var (room, remote) = RoomOnOtherNode();
        var tooMany = new ConnectionSettings { MaxUnackedSends = 1000 };

        remote.Tell(JoinHandingBack(tooMany.MaxUnackedSends));

        room.ExpectNoMsg(TimeSpan.FromSeconds(2));
        var refused = Assert.Throws<InvalidOperationException>(() => RemoteFrameBudget.Check(Sys, tooMany));
        Assert.Contains(nameof(ConnectionSettings.MaxUnackedSends), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_settings_fit_the_default_frame_limit_with_room_for_the_envelope()
    {
        RemoteFrameBudget.Check(Sys, new ConnectionSettings());

        var largest = RemoteFrameBudget.LargestWholeMessage(Sys, new ConnectionSettings());
        Assert.InRange(largest + RemoteFrameBudget.EnvelopeAllowance, 16 * 1024, 128_000);
    }
}
