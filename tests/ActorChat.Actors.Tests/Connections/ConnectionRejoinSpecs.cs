using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ActorChat.Accounts;
using ActorChat.Connections;
using ActorChat.Protocol;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.TestKit;

namespace ActorChat.Tests.Connections;

/// <summary>Joins that go again: unanswered, lost on the way, or after the room stopped or forgot the connection, each seen once by the client.</summary>
public sealed class ConnectionRejoinSpecs : ConnectionSpec
{
    [Fact]
    public async Task An_unanswered_join_is_retried_and_the_client_hears_one_joined()
    {
        var settings = new ConnectionSettings { RetryInterval = TimeSpan.FromMilliseconds(200) };
        var (connection, outbox, rooms) = Connect("alice", settings: settings);
        await NextSent(outbox);

        connection.Tell(new JoinFrame("lobby", null));
        rooms.ExpectMsg<Join>();
        Assert.Equal(new Join("lobby", "alice", null, HubFor("lobby")), rooms.ExpectMsg<Join>(TimeSpan.FromSeconds(5)));
        var room = CreateTestProbe();
        connection.Tell(new JoinedRoom("lobby", 0, Encoding.UTF8.GetBytes("""{"type":"joined"}""")), room.Ref);
        connection.Tell(new JoinedRoom("lobby", 0, Encoding.UTF8.GetBytes("""{"type":"joined"}""")), room.Ref);
        connection.Tell(PingFrame.Instance);

        Assert.Equal("joined", (await NextSent(outbox)).GetProperty("type").GetString());
        Assert.Equal("pong", (await NextSent(outbox)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_rejoin_lost_on_its_way_goes_again_within_a_second_and_stops_once_the_room_answers()
    {
        // The default retry interval (3 s): a lost rejoin must not wait that long, or every failover does.
        var (connection, outbox, rooms) = Connect();
        await NextSent(outbox);
        connection.Tell(new JoinFrame("lobby", null));
        rooms.ExpectMsg<Join>();
        var room = CreateTestProbe();
        connection.Tell(new JoinedRoom("lobby", 0, EmptyFrame), room.Ref);
        await NextSent(outbox);

        Sys.Stop(room.Ref);

        // At once (it may reach a shard region that still points at the lost node), then on a backoff that starts at
        // 250 ms: two more well before the 3 s retry interval would allow one.
        rooms.ExpectMsg<Join>();
        rooms.ExpectMsg<Join>(TimeSpan.FromSeconds(2.5));
        rooms.ExpectMsg<Join>(TimeSpan.FromSeconds(2.5));
        connection.Tell(new JoinedRoom("lobby", 0, EmptyFrame), CreateTestProbe().Ref);
        rooms.ExpectNoMsg(TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public async Task The_answer_to_a_retried_join_is_dropped_with_its_read_frames_so_the_client_sees_them_once()
    {
        var (connection, outbox, rooms) = Connect();
        await NextSent(outbox);
        connection.Tell(new JoinFrame("lobby", null));
        rooms.ExpectMsg<Join>();
        rooms.ExpectMsg<Join>(ColdStartDeadline); // a busy room answers late: the join went again
        var room = CreateTestProbe();
        byte[][] reads = [Encoding.UTF8.GetBytes("""{"type":"read","user":"bob","seq":1}""")];

        connection.Tell(new JoinedRoom("lobby", 1, Encoding.UTF8.GetBytes("""{"type":"joined"}"""), reads), room.Ref);
        connection.Tell(new JoinedRoom("lobby", 1, Encoding.UTF8.GetBytes("""{"type":"joined"}"""), reads), room.Ref);
        connection.Tell(PingFrame.Instance);

        var seen = new List<string>();
        for (var i = 0; i < 3; i++)
            seen.Add((await NextSent(outbox)).GetProperty("type").GetString()!);
        Assert.Equal(["joined", "read", "pong"], seen);
    }

    [Fact]
    public void A_room_that_stops_under_a_member_is_joined_again_from_the_last_seq_seen()
    {
        var (connection, _, rooms) = Connect("alice");
        connection.Tell(new JoinFrame("lobby", null));
        rooms.ExpectMsg<Join>();
        var roomIncarnation = CreateTestProbe();
        connection.Tell(new JoinedRoom("lobby", 3, Encoding.UTF8.GetBytes("{}")), roomIncarnation.Ref);
        connection.Tell(new DeliverSequenced("lobby", 7, Encoding.UTF8.GetBytes("{}")), roomIncarnation.Ref);

        Sys.Stop(roomIncarnation.Ref);

        Assert.Equal(new Join("lobby", "alice", 7, HubFor("lobby")), rooms.ExpectMsg<Join>());
    }

    [Fact]
    public async Task A_late_message_of_the_stopped_incarnation_that_overtakes_the_rejoin_is_not_replayed_to_the_client_again()
    {
        var (connection, outbox, rooms) = Connect("alice");
        await NextSent(outbox);
        connection.Tell(new JoinFrame("lobby", null));
        rooms.ExpectMsg<Join>();
        var old = CreateTestProbe();
        connection.Tell(new JoinedRoom("lobby", 10, Encoding.UTF8.GetBytes("""{"type":"joined"}""")), old.Ref);
        Assert.Equal("joined", (await NextSent(outbox)).GetProperty("type").GetString());
        Sys.Stop(old.Ref);
        Assert.Equal(10, rooms.ExpectMsg<Join>().Since);

        // Seq 11, stored by the old incarnation before it stopped, reaches the client after the rejoin went out.
        connection.Tell(new DeliverSequenced("lobby", 11, Encoding.UTF8.GetBytes("""{"type":"message","seq":11}""")), old.Ref);
        Assert.Equal(11, (await NextSent(outbox)).GetProperty("seq").GetInt64());

        // The new incarnation's answer replays from 10: the connection asks again from 11 and forwards only that answer.
        var next = CreateTestProbe();
        connection.Tell(new JoinedRoom("lobby", 11, Encoding.UTF8.GetBytes("""{"type":"joined","replay":"from 10"}""")), next.Ref);
        Assert.Equal(11, rooms.FishForMessage<Join>(_ => true).Since);
        connection.Tell(new JoinedRoom("lobby", 11, Encoding.UTF8.GetBytes("""{"type":"joined","replay":"from 11"}""")), next.Ref);
        connection.Tell(PingFrame.Instance);
        Assert.Equal("from 11", (await NextSent(outbox)).GetProperty("replay").GetString());
        Assert.Equal("pong", (await NextSent(outbox)).GetProperty("type").GetString());
    }

    [Fact]
    public void After_a_room_stops_unacknowledged_sends_follow_the_rejoin_and_acknowledged_ones_do_not()
    {
        var (connection, _, rooms) = Connect("alice");
        connection.Tell(new JoinFrame("lobby", null));
        rooms.ExpectMsg<Join>();
        var firstIncarnation = CreateTestProbe();
        connection.Tell(new JoinedRoom("lobby", 0, EmptyFrame), firstIncarnation.Ref);
        connection.Tell(new SendFrame("lobby", "stored", "made it"));
        connection.Tell(new SendFrame("lobby", "lost", "never acked"));
        rooms.ExpectMsg<Post>();
        rooms.ExpectMsg<Post>();
        connection.Tell(new Acked("lobby", "stored", 1, EmptyFrame), firstIncarnation.Ref);

        Sys.Stop(firstIncarnation.Ref);

        var rejoin = rooms.ExpectMsg<Join>();
        Assert.Equal(("lobby", "alice", (long?)1), (rejoin.Room, rejoin.User, rejoin.Since));
        Assert.Equal(["lost"], rejoin.Unacked!);
        ExpectOnlyJoinRetries(rooms, TimeSpan.FromMilliseconds(200));
        connection.Tell(new JoinedRoom("lobby", 1, EmptyFrame), CreateTestProbe().Ref);
        Assert.Equal(new Post("lobby", "alice", "lost", "never acked"), rooms.FishForMessage<Post>(_ => true));
        rooms.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_moderation_lost_with_the_rooms_node_goes_to_its_next_incarnation_and_the_client_hears_one_ack()
    {
        var (connection, outbox, rooms) = Connect("alice");
        await NextSent(outbox);
        connection.Tell(new JoinFrame("lobby", null));
        rooms.ExpectMsg<Join>();
        var lost = CreateTestProbe();
        connection.Tell(new JoinedRoom("lobby", 3, Encoding.UTF8.GetBytes("""{"type":"joined"}""")), lost.Ref);
        Assert.Equal("joined", (await NextSent(outbox)).GetProperty("type").GetString());
        connection.Tell(new ModerationFrame("lobby", "b1", ModerationAction.Ban, "spammer", null, null, "spam", 0));
        var ban = ExpectSkippingJoinRetries<Moderate>(rooms, "lobby");
        Assert.Equal(("b1", ModerationAction.Ban, "spammer"), (ban.Id, ban.Action, ban.Member));

        Sys.Stop(lost.Ref);

        Assert.Equal(["b1"], rooms.FishForMessage<Join>(join => join.Unacked is not null).Unacked!);
        var next = CreateTestProbe();
        connection.Tell(new JoinedRoom("lobby", 3, Encoding.UTF8.GetBytes("""{"type":"joined"}""")), next.Ref);
        Assert.Equal(ban, rooms.FishForMessage<Moderate>(_ => true));
        // The ack of the retry, then a second ack of it (the room answered the rejoin's list too): the client hears one.
        var ack = Encoding.UTF8.GetBytes("""{"type":"ack","id":"b1"}""");
        connection.Tell(new Acked("lobby", "b1", 0, ack), next.Ref);
        connection.Tell(new Acked("lobby", "b1", 0, ack), next.Ref);
        connection.Tell(PingFrame.Instance);
        Assert.Equal("joined", (await NextSent(outbox)).GetProperty("type").GetString());
        Assert.Equal("ack", (await NextSent(outbox)).GetProperty("type").GetString());
        Assert.Equal("pong", (await NextSent(outbox)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_moderation_the_room_refuses_is_not_held_for_a_retry()
    {
        var (connection, outbox, rooms) = Connect("alice");
        await NextSent(outbox);
        connection.Tell(new JoinFrame("lobby", null));
        rooms.ExpectMsg<Join>();
        var room = CreateTestProbe();
        connection.Tell(new JoinedRoom("lobby", 0, Encoding.UTF8.GetBytes("""{"type":"joined"}""")), room.Ref);
        connection.Tell(new ModerationFrame("lobby", "k1", ModerationAction.Kick, "bob", null, null, "", 0));
        ExpectSkippingJoinRetries<Moderate>(rooms, "lobby");
        connection.Tell(new SendRefused("lobby", "k1", Encoding.UTF8.GetBytes("""{"type":"error","code":"forbidden","ref":"k1"}""")), room.Ref);

        Sys.Stop(room.Ref);

        Assert.Null(rooms.ExpectMsg<Join>().Unacked);
        connection.Tell(new JoinedRoom("lobby", 0, Encoding.UTF8.GetBytes("""{"type":"joined"}""")), CreateTestProbe().Ref);
        ExpectOnlyJoinRetries(rooms, TimeSpan.FromMilliseconds(300), "lobby");
        Assert.Equal("joined", (await NextSent(outbox)).GetProperty("type").GetString());
        Assert.Equal("forbidden", (await NextSent(outbox)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_room_that_forgot_the_connection_is_joined_again_and_a_late_old_message_is_dropped()
    {
        var (connection, outbox, rooms) = Connect("alice");
        await NextSent(outbox);
        connection.Tell(new JoinFrame("lobby", null));
        rooms.ExpectMsg<Join>();
        var room = CreateTestProbe();
        connection.Tell(new JoinedRoom("lobby", 5, Encoding.UTF8.GetBytes("""{"type":"joined"}""")), room.Ref);
        connection.Tell(new SendFrame("lobby", "m1", "hi"));
        rooms.ExpectMsg<Post>();

        connection.Tell(new NotMember("lobby", "m1"), room.Ref);

        var rejoin = rooms.ExpectMsg<Join>();
        Assert.Equal((5L, "m1"), (rejoin.Since!.Value, rejoin.Unacked!.Single()));
        connection.Tell(new JoinedRoom("lobby", 5, Encoding.UTF8.GetBytes("""{"type":"joined"}""")), room.Ref);
        Assert.Equal("m1", rooms.ExpectMsg<Post>().Id);
        connection.Tell(new DeliverSequenced("lobby", 4, Encoding.UTF8.GetBytes("""{"type":"message","seq":4}""")), room.Ref);
        connection.Tell(new DeliverSequenced("lobby", 6, Encoding.UTF8.GetBytes("""{"type":"message","seq":6}""")), room.Ref);
        // The first joined, then the rejoin's (its replay is what the client missed), then only the newer message.
        Assert.Equal("joined", (await NextSent(outbox)).GetProperty("type").GetString());
        Assert.Equal("joined", (await NextSent(outbox)).GetProperty("type").GetString());
        Assert.Equal(6, (await NextSent(outbox)).GetProperty("seq").GetInt64());
    }
}
