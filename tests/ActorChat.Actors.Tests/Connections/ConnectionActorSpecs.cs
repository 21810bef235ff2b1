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

/// <summary>A connection between its client and the rooms: joins, sends and their acks, their bounds and retries, pings, and failures.</summary>
public sealed class ConnectionActorSpecs : ConnectionSpec
{
    [Fact]
    public async Task The_first_frame_is_welcome_with_the_user_and_session()
    {
        var (_, outbox, _) = Connect("alice");

        var welcome = await NextSent(outbox);

        Assert.Equal("welcome", welcome.GetProperty("type").GetString());
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal("s1", welcome.GetProperty("session").GetString());
    }

    [Fact]
    public async Task Sending_before_joining_is_refused_with_not_joined_and_reaches_no_room()
    {
        var (connection, outbox, rooms) = Connect();
        await NextSent(outbox);

        connection.Tell(new SendFrame("lobby", "m1", "hi"));

        var error = await NextSent(outbox);
        Assert.Equal("not_joined", error.GetProperty("code").GetString());
        Assert.Equal("m1", error.GetProperty("ref").GetString());
        rooms.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }


    [Fact]
    public async Task Joining_a_room_where_two_thousand_users_have_read_markers_delivers_them_all_and_keeps_the_socket()
    {
        var settings = new ConnectionSettings();
        var (connection, outbox, rooms) = Connect("alice", new Outbox(settings.OutboxFrames, settings.OutboxBytes));
        await NextSent(outbox);
        connection.Tell(new JoinFrame("crowd", null));
        rooms.ExpectMsg<Join>();
        var markers = Enumerable.Range(0, 2000).Select(i => ServerFrames.Read("crowd", $"user{i}", 7)).ToList();

        connection.Tell(new JoinedRoom("crowd", 7, ServerFrames.Joined("crowd", 7, ["alice"], 1, [], truncated: false)), rooms.Ref);
        connection.Tell(new DeliverBatch(markers), rooms.Ref);

        Assert.Equal("joined", (await NextSent(outbox)).GetProperty("type").GetString());
        for (var i = 0; i < 2000; i++)
            Assert.Equal($"user{i}", (await NextSent(outbox)).GetProperty("user").GetString());
        Assert.Null(outbox.Close);
    }

    [Fact]
    public async Task A_send_past_the_most_that_may_wait_for_their_ack_is_refused_until_an_ack_comes_back()
    {
        var (connection, outbox, rooms) = Connect("alice", settings: new ConnectionSettings { MaxUnackedSends = 2 });
        await NextSent(outbox);
        connection.Tell(new JoinFrame("lobby", null));
        rooms.ExpectMsg<Join>();
        var room = CreateTestProbe();
        connection.Tell(new JoinedRoom("lobby", 0, EmptyFrame), room.Ref);
        await NextSent(outbox);

        connection.Tell(new SendFrame("lobby", "m1", "one"));
        connection.Tell(new SendFrame("lobby", "m2", "two"));
        connection.Tell(new SendFrame("lobby", "m3", "three"));
        Assert.Equal("m1", rooms.ExpectMsg<Post>().Id);
        Assert.Equal("m2", rooms.ExpectMsg<Post>().Id);
        var refused = await NextSent(outbox);
        Assert.Equal("rate_limited", refused.GetProperty("code").GetString());
        Assert.Equal("m3", refused.GetProperty("ref").GetString());
        rooms.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // A retry of one still waiting is no new send; once an ack comes back there is room for one more.
        connection.Tell(new SendFrame("lobby", "m2", "two"));
        Assert.Equal("m2", rooms.ExpectMsg<Post>().Id);
        connection.Tell(new Acked("lobby", "m1", 1, Encoding.UTF8.GetBytes("""{"type":"ack","seq":1}""")), room.Ref);
        Assert.Equal("ack", (await NextSent(outbox)).GetProperty("type").GetString());
        connection.Tell(new SendFrame("lobby", "m3", "three"));
        Assert.Equal("m3", rooms.ExpectMsg<Post>().Id);
    }

    [Fact]
    public void Joining_then_sending_becomes_room_commands_for_the_user_once_the_room_answered()
    {
        var (connection, _, rooms) = Connect("alice");

        connection.Tell(new JoinFrame("lobby", Since: 4));
        connection.Tell(new SendFrame("lobby", "m1", "hi"));

        Assert.Equal(new Join("lobby", "alice", 4, HubFor("lobby")), rooms.ExpectMsg<Join>());
        ExpectOnlyJoinRetries(rooms, TimeSpan.FromMilliseconds(200));
        connection.Tell(new JoinedRoom("lobby", 4, EmptyFrame), CreateTestProbe().Ref);
        Assert.Equal(new Post("lobby", "alice", "m1", "hi"), rooms.FishForMessage<Post>(_ => true));
    }

    [Fact]
    public async Task A_send_the_room_never_confirms_is_answered_unavailable_at_the_deadline_and_may_be_sent_again()
    {
        var settings = new ConnectionSettings { RetryInterval = TimeSpan.FromMilliseconds(100), SendDeadline = TimeSpan.FromMilliseconds(700) };
        var outbox = new Outbox(64, 1 << 20);
        var (connection, _, rooms) = Connect("alice", outbox, settings);
        await NextSent(outbox);
        connection.Tell(new JoinFrame("lobby", null));
        rooms.ExpectMsg<Join>();
        var room = CreateTestProbe();
        connection.Tell(new JoinedRoom("lobby", 0, EmptyFrame), room.Ref);
        await NextSent(outbox);

        connection.Tell(new SendFrame("lobby", "m1", "is anyone there?"));

        var error = await NextSent(outbox);
        Assert.Equal(("error", "unavailable", "m1"), (error.GetProperty("type").GetString(), error.GetProperty("code").GetString(), error.GetProperty("ref").GetString()));
        rooms.ReceiveWhile(TimeSpan.FromMilliseconds(300), message => message as Post);
        // The client retries with the same id; the room (back now) answers it with the first ack.
        connection.Tell(new SendFrame("lobby", "m1", "is anyone there?"));
        Assert.Equal("m1", rooms.FishForMessage<Post>(_ => true).Id);
        connection.Tell(new Acked("lobby", "m1", 1, Encoding.UTF8.GetBytes("""{"type":"ack","seq":1}""")), room.Ref);
        Assert.Equal("ack", (await NextSent(outbox)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_unacknowledged_send_is_retried_with_its_id_and_a_late_second_ack_is_not_shown()
    {
        var settings = new ConnectionSettings { RetryInterval = TimeSpan.FromMilliseconds(200) };
        var outbox = new Outbox(64, 1 << 20);
        var (connection, _, rooms) = Connect("alice", outbox, settings);
        connection.Tell(new JoinFrame("lobby", null));
        rooms.ExpectMsg<Join>();
        var room = CreateTestProbe();
        connection.Tell(new JoinedRoom("lobby", 0, EmptyFrame), room.Ref);

        connection.Tell(new SendFrame("lobby", "m1", "hello?"));

        var first = rooms.ExpectMsg<Post>();
        Assert.Equal(first, rooms.ExpectMsg<Post>(TimeSpan.FromSeconds(5)));
        connection.Tell(new Acked("lobby", "m1", 1, Encoding.UTF8.GetBytes("""{"type":"ack","seq":1}""")), room.Ref);
        connection.Tell(new Acked("lobby", "m1", 1, Encoding.UTF8.GetBytes("""{"type":"ack","seq":1}""")), room.Ref);
        connection.Tell(PingFrame.Instance);

        rooms.ExpectNoMsg(TimeSpan.FromMilliseconds(600));
        var seen = new List<string?>();
        for (var i = 0; i < 4; i++)
            seen.Add((await NextSent(outbox)).TryGetProperty("type", out var type) ? type.GetString() : null);
        Assert.Equal(["welcome", null, "ack", "pong"], seen);
    }

    [Fact]
    public async Task Ping_is_answered_with_pong()
    {
        var (connection, outbox, _) = Connect();
        await NextSent(outbox);

        connection.Tell(PingFrame.Instance);

        Assert.Equal("pong", (await NextSent(outbox)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_client_that_cannot_keep_up_is_closed_with_1013()
    {
        var outbox = new Outbox(maxFrames: 3, maxBytes: 1 << 20);
        var (connection, _, _) = Connect(outbox: outbox);
        Watch(connection);

        for (var i = 0; i < 5; i++)
            connection.Tell(new Deliver(Encoding.UTF8.GetBytes("""{"type":"typing","room":"r","user":"bob"}""")));

        ExpectTerminated(connection);
        Assert.Equal((WebSocketCloseStatus)1013, outbox.Close?.Status);
        Assert.Null(await outbox.NextAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_join_past_the_rooms_a_connection_may_be_in_is_refused_until_it_leaves_one()
    {
        var (connection, outbox, rooms) = Connect(settings: new ConnectionSettings { MaxRoomsPerConnection = 2 });
        await NextSent(outbox);

        connection.Tell(new JoinFrame("one", Since: null));
        connection.Tell(new JoinFrame("two", Since: null));
        connection.Tell(new JoinFrame("one", Since: null)); // again: not one more room
        connection.Tell(new JoinFrame("three", Since: null));

        var error = await NextSent(outbox);
        Assert.Equal(("limit_reached", "three"), (error.GetProperty("code").GetString(), error.GetProperty("ref").GetString()));
        Assert.Equal(["one", "two", "one"], new[] { rooms.ExpectMsg<Join>(), rooms.ExpectMsg<Join>(), rooms.ExpectMsg<Join>() }.Select(j => j.Room));
        ExpectOnlyJoinRetries(rooms, TimeSpan.FromMilliseconds(200), "one", "two");

        connection.Tell(new LeaveFrame("two"));
        connection.Tell(new JoinFrame("three", Since: null));
        // The unanswered joins of "one" and "two" go again on their own clock: they may come between.
        Assert.Equal("two", ExpectSkippingJoinRetries<Leave>(rooms, "one", "two").Room);
        Assert.Equal("three", ExpectSkippingJoinRetries<Join>(rooms, "one", "two").Room);
    }

    [Fact]
    public void A_connection_actor_that_fails_closes_its_socket_with_1011_not_as_a_shutdown()
    {
        var (crashing, crashed, _) = Connect();
        var (killed, killedOutbox, _) = Connect("bob");
        Watch(killed);

        // A bug inside the actor (a delivery with no frame: its supervisor restarts it), and an actor killed.
        crashing.Tell(new Deliver(null!));
        killed.Tell(Kill.Instance);

        ExpectTerminated(killed);
        AwaitCondition(() => crashed.Close is not null, ColdStartDeadline);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, crashed.Close!.Status);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, killedOutbox.Close?.Status);
    }

}
