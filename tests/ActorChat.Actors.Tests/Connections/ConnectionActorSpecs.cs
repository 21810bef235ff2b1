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

public sealed class ConnectionActorSpecs : ChatSpec
{
    private static readonly TokenService Tokens = new(new byte[32], TimeSpan.FromHours(1));
    private static readonly ConnectionSettings Limits = new();

    private (IActorRef Connection, Outbox Outbox, TestProbe Rooms) Connect(string user = "alice", Outbox? outbox = null, ConnectionSettings? settings = null) =>
        ConnectWithAccount(user, outbox, settings) is var (connection, box, rooms, _) ? (connection, box, rooms) : default;

    private (IActorRef Connection, Outbox Outbox, TestProbe Rooms, TestProbe Accounts) ConnectWithAccount(string user = "alice", Outbox? outbox = null,
        ConnectionSettings? settings = null, AuthTicket? ticket = null, bool sessionConfirmed = true)
    {
        outbox ??= new Outbox(64, 1 << 20);
        var rooms = CreateTestProbe();
        var accounts = CreateTestProbe();
        ticket ??= Tokens.Validate(Tokens.Issue(user).Token)!;
        var connection = Sys.ActorOf(ConnectionActor.PropsFor(ticket, "s1", outbox, rooms.Ref, accounts.Ref, Tokens, settings ?? Limits,
            sessionConfirmed: sessionConfirmed));
        return (connection, outbox, rooms, accounts);
    }

    /// <summary>Nothing reaches the rooms for a while but retries of joins still unanswered (of <paramref name="rooms"/>, when named).</summary>
    private static void ExpectOnlyJoinRetries(TestProbe probe, TimeSpan within, params string[] rooms)
    {
        var seen = probe.ReceiveWhile<object>(message => message, max: within, idle: null);
        Assert.All(seen, message => Assert.True(message is Join join && (rooms.Length == 0 || rooms.Contains(join.Room)), $"unexpected {message}"));
    }

    private static async Task<JsonElement> NextSent(Outbox outbox)
    {
        using var timeout = new CancellationTokenSource(ColdStartDeadline);
        var frame = await outbox.NextAsync(timeout.Token) ?? throw new InvalidOperationException("the outbox ended");
        return JsonDocument.Parse(frame).RootElement.Clone();
    }

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

    private static readonly byte[] EmptyFrame = Encoding.UTF8.GetBytes("{}");

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

        rooms.ExpectMsg<Join>(); // at once: it may reach a shard region that still points at the lost node
        rooms.ExpectMsg<Join>(TimeSpan.FromSeconds(1.5));
        rooms.ExpectMsg<Join>(TimeSpan.FromSeconds(1.5));
        connection.Tell(new JoinedRoom("lobby", 0, EmptyFrame), CreateTestProbe().Ref);
        rooms.ExpectNoMsg(TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public void A_connection_registers_with_its_account_and_closes_with_1008_when_its_session_is_signed_out()
    {
        var ticket = Tokens.Validate(Tokens.Issue("alice", generation: 2).Token)!;
        var (connection, outbox, _, accounts) = ConnectWithAccount(ticket: ticket);

        var open = accounts.ExpectMsg<AccountActor.OpenConnection>();
        Assert.Equal(("alice", ticket.Session, 2L, connection), (open.Username, open.Session, open.Generation, open.Connection));
        connection.Tell(new AccountActor.ConnectionOpened(new AccountSecurity("alice", 0, [])), accounts.Ref);
        Assert.Null(outbox.Close);

        connection.Tell(new AccountActor.SessionEnded("alice"), accounts.Ref);

        AwaitCondition(() => outbox.Close is not null, ColdStartDeadline);
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "signed out"), (outbox.Close!.Status, outbox.Close.Reason));
    }

    [Fact]
    public void When_the_node_knew_nothing_of_the_session_the_clients_frames_wait_for_the_account_and_a_signed_out_one_never_acts()
    {
        var (connection, _, rooms, accounts) = ConnectWithAccount(sessionConfirmed: false);
        var (refused, refusedOutbox, refusedRooms, refusedAccounts) = ConnectWithAccount("mallory", sessionConfirmed: false);
        accounts.ExpectMsg<AccountActor.OpenConnection>();
        refusedAccounts.ExpectMsg<AccountActor.OpenConnection>();

        connection.Tell(new JoinFrame("lobby", null));
        refused.Tell(new JoinFrame("lobby", null));
        rooms.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        connection.Tell(new AccountActor.ConnectionOpened(new AccountSecurity("alice", 0, [])), accounts.Ref);
        refused.Tell(new AccountActor.ConnectionRefused("mallory", AccountActor.ConnectionRefused.SignedOut), refusedAccounts.Ref);

        Assert.Equal("lobby", rooms.ExpectMsg<Join>().Room);
        AwaitCondition(() => refusedOutbox.Close is not null, ColdStartDeadline);
        Assert.Equal("signed out", refusedOutbox.Close!.Reason);
        refusedRooms.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void An_account_that_cannot_answer_holds_a_clients_frames_only_for_a_short_grace()
    {
        var (connection, _, rooms, _) = ConnectWithAccount(sessionConfirmed: false);

        connection.Tell(new JoinFrame("lobby", null));

        Assert.Equal("lobby", rooms.ExpectMsg<Join>(TimeSpan.FromSeconds(5)).Room);
    }

    [Fact]
    public void A_connection_past_the_users_limit_closes_with_1008_saying_so()
    {
        var (connection, outbox, _, accounts) = ConnectWithAccount();
        accounts.ExpectMsg<AccountActor.OpenConnection>();

        connection.Tell(new AccountActor.ConnectionRefused("alice", AccountActor.ConnectionRefused.TooManyConnections), accounts.Ref);

        AwaitCondition(() => outbox.Close is not null, ColdStartDeadline);
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "too many connections for this user"), (outbox.Close!.Status, outbox.Close.Reason));
    }

    [Fact]
    public void A_registration_goes_again_until_answered_and_again_when_the_account_moves()
    {
        var (connection, _, _, accounts) = ConnectWithAccount();
        accounts.ExpectMsg<AccountActor.OpenConnection>();
        accounts.ExpectMsg<AccountActor.OpenConnection>(TimeSpan.FromSeconds(1.5)); // the first was lost
        var account = CreateTestProbe();
        connection.Tell(new AccountActor.ConnectionOpened(new AccountSecurity("alice", 0, [])), account.Ref);
        accounts.ExpectNoMsg(TimeSpan.FromSeconds(1));

        Sys.Stop(account.Ref);

        Assert.Equal(connection, accounts.ExpectMsg<AccountActor.OpenConnection>().Connection);
    }

    [Fact]
    public async Task The_answer_to_a_retried_join_is_dropped_with_its_read_frames_so_the_client_sees_them_once()
    {
        var (connection, outbox, rooms) = Connect();
        await NextSent(outbox);
        connection.Tell(new JoinFrame("lobby", null));
        rooms.ExpectMsg<Join>();
        rooms.ExpectMsg<Join>(TimeSpan.FromSeconds(1.5)); // a busy room answers late: the join went again
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
        Assert.Equal("two", rooms.ExpectMsg<Leave>().Room);
        Assert.Equal("three", rooms.ExpectMsg<Join>().Room);
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

    [Fact]
    public async Task Frames_past_the_rate_limit_get_rate_limited_and_abuse_closes_with_1008()
    {
        var settings = new ConnectionSettings { FramesPerSecond = 0.001, FrameBurst = 2, RateLimitStrikes = 3 };
        var (connection, outbox, _) = Connect(settings: settings);
        Watch(connection);
        await NextSent(outbox);

        for (var i = 0; i < 2; i++)
            connection.Tell(PingFrame.Instance);
        connection.Tell(PingFrame.Instance);
        Assert.Equal("pong", (await NextSent(outbox)).GetProperty("type").GetString());
        Assert.Equal("pong", (await NextSent(outbox)).GetProperty("type").GetString());
        Assert.Equal("rate_limited", (await NextSent(outbox)).GetProperty("code").GetString());

        connection.Tell(PingFrame.Instance);
        connection.Tell(PingFrame.Instance);
        ExpectTerminated(connection);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, outbox.Close?.Status);
    }

    [Fact]
    public async Task A_refresh_with_a_valid_token_of_the_same_user_is_answered_with_refreshed()
    {
        var (connection, outbox, _) = Connect("alice");
        await NextSent(outbox);

        connection.Tell(new RefreshFrame(Tokens.Issue("alice").Token));
        Assert.Equal("refreshed", (await NextSent(outbox)).GetProperty("type").GetString());

        connection.Tell(new RefreshFrame(Tokens.Issue("mallory").Token));
        Assert.Equal("forbidden", (await NextSent(outbox)).GetProperty("code").GetString());
    }

    [Fact]
    public void An_expired_token_closes_the_connection_with_1008()
    {
        var shortLived = new TokenService(new byte[32], TimeSpan.FromMilliseconds(300));
        var outbox = new Outbox(64, 1 << 20);
        var ticket = shortLived.Validate(shortLived.Issue("alice").Token)!;
        var connection = Sys.ActorOf(ConnectionActor.PropsFor(ticket, "s1", outbox, CreateTestProbe().Ref, CreateTestProbe().Ref, shortLived, Limits));
        Watch(connection);

        ExpectTerminated(connection, TimeSpan.FromSeconds(5));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, outbox.Close?.Status);
    }
}
