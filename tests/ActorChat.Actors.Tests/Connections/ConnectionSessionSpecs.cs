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

/// <summary>A connection and its user's account and session: registration, sign-out, the user's connection limit, token renewal and expiry, and abuse.</summary>
public sealed class ConnectionSessionSpecs : ConnectionSpec
{
    [Fact]
    public void A_connection_registers_with_its_account_and_closes_with_1008_when_its_session_is_signed_out()
    {
        var ticket = Tokens.Validate(Tokens.Issue("alice", generation: 2).Token)!;
        var (connection, outbox, _, accounts) = ConnectWithAccount(ticket: ticket);

        var open = accounts.ExpectMsg<OpenConnection>();
        Assert.Equal(("alice", ticket.Session, 2L, connection), (open.Username, open.Session, open.Generation, open.Connection));
        connection.Tell(new ConnectionOpened(new AccountSecurity("alice", 0, [])), accounts.Ref);
        Assert.Null(outbox.Close);

        connection.Tell(new SessionEnded("alice"), accounts.Ref);

        AwaitCondition(() => outbox.Close is not null, ColdStartDeadline);
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "signed out"), (outbox.Close!.Status, outbox.Close.Reason));
    }

    [Fact]
    public void When_the_node_knew_nothing_of_the_session_the_clients_frames_wait_for_the_account_and_a_signed_out_one_never_acts()
    {
        var (connection, _, rooms, accounts) = ConnectWithAccount(sessionConfirmed: false);
        var (refused, refusedOutbox, refusedRooms, refusedAccounts) = ConnectWithAccount("mallory", sessionConfirmed: false);
        accounts.ExpectMsg<OpenConnection>();
        refusedAccounts.ExpectMsg<OpenConnection>();

        connection.Tell(new JoinFrame("lobby", null));
        refused.Tell(new JoinFrame("lobby", null));
        rooms.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        connection.Tell(new ConnectionOpened(new AccountSecurity("alice", 0, [])), accounts.Ref);
        refused.Tell(new ConnectionRefused("mallory", ConnectionRefused.SignedOut), refusedAccounts.Ref);

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
        accounts.ExpectMsg<OpenConnection>();

        connection.Tell(new ConnectionRefused("alice", ConnectionRefused.TooManyConnections), accounts.Ref);

        AwaitCondition(() => outbox.Close is not null, ColdStartDeadline);
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "too many connections for this user"), (outbox.Close!.Status, outbox.Close.Reason));
    }

    [Fact]
    public void A_registration_goes_again_until_answered_and_again_when_the_account_moves()
    {
        var (connection, _, _, accounts) = ConnectWithAccount();
        accounts.ExpectMsg<OpenConnection>();
        accounts.ExpectMsg<OpenConnection>(ColdStartDeadline); // the first was lost
        var account = CreateTestProbe();
        connection.Tell(new ConnectionOpened(new AccountSecurity("alice", 0, [])), account.Ref);
        accounts.ExpectNoMsg(TimeSpan.FromSeconds(1));

        Sys.Stop(account.Ref);

        Assert.Equal(connection, accounts.ExpectMsg<OpenConnection>().Connection);
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
    public async Task Frames_that_wait_for_the_account_are_answered_in_the_order_sent_refusals_past_the_rate_limit_included()
    {
        var settings = new ConnectionSettings { FramesPerSecond = 0.001, FrameBurst = 2 };
        var (connection, outbox, _, accounts) = ConnectWithAccount(settings: settings, sessionConfirmed: false);
        accounts.ExpectMsg<OpenConnection>();
        await NextSent(outbox);

        connection.Tell(PingFrame.Instance);
        connection.Tell(PingFrame.Instance);
        connection.Tell(new JoinFrame("lobby", null));
        connection.Tell(new ConnectionOpened(new AccountSecurity("alice", 0, [])), accounts.Ref);

        Assert.Equal("pong", (await NextSent(outbox)).GetProperty("type").GetString());
        Assert.Equal("pong", (await NextSent(outbox)).GetProperty("type").GetString());
        var refused = await NextSent(outbox);
        Assert.Equal(("rate_limited", "lobby"), (refused.GetProperty("code").GetString(), refused.GetProperty("ref").GetString()));
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
