using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class ChatFlowTests : ServerTest
{
    [Fact]
    public async Task A_message_reaches_the_others_and_the_sender_gets_an_ack_but_no_echo()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await using var bob = await Server.ConnectAsync("bob");
        await using var aliceTab = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.LoginAsync("alice"));
        await aliceTab.ExpectAsync("welcome");
        var joined = await alice.JoinAsync("general");
        Assert.Equal(0, joined.GetProperty("seq").GetInt64());
        Assert.Equal(["alice"], joined.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        await bob.JoinAsync("general");
        await aliceTab.JoinAsync("general");
        await alice.ExpectAsync("presence");

        await alice.SendAsync(new { type = "send", room = "general", id = "c-1", text = "hello <b>bob</b> 👋" });

        var ack = await alice.ExpectAsync("ack");
        Assert.Equal("c-1", ack.GetProperty("id").GetString());
        Assert.Equal(1, ack.GetProperty("seq").GetInt64());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", ack.GetProperty("ts").GetString());
        foreach (var other in new[] { bob, aliceTab })
        {
            var message = await other.ExpectSkippingAsync("message", "presence");
            Assert.Equal("general", message.GetProperty("room").GetString());
            Assert.Equal("hello <b>bob</b> 👋", message.GetProperty("text").GetString());
            Assert.Equal("alice", message.GetProperty("from").GetString());
            Assert.Equal("c-1", message.GetProperty("id").GetString());
            Assert.Equal(ack.GetProperty("ts").GetString(), message.GetProperty("ts").GetString());
        }
        await alice.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task A_resent_id_is_acked_again_with_the_first_seq_and_delivered_once()
    {
        await using var alice = await Server.ConnectAsync("carl");
        await using var bob = await Server.ConnectAsync("dora");
        await alice.JoinAsync("retries");
        await bob.JoinAsync("retries");
        await alice.ExpectAsync("presence");

        await alice.SendAsync(new { type = "send", room = "retries", id = "r-1", text = "once" });
        var first = await alice.ExpectAsync("ack");
        await using var reconnected = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.LoginAsync("carl"));
        await reconnected.ExpectAsync("welcome");
        await reconnected.JoinAsync("retries");
        await reconnected.SendAsync(new { type = "send", room = "retries", id = "r-1", text = "once" });
        var again = await reconnected.ExpectAsync("ack");

        Assert.Equal(first.GetProperty("seq").GetInt64(), again.GetProperty("seq").GetInt64());
        Assert.Equal("once", (await bob.ExpectAsync("message")).GetProperty("text").GetString());
        await bob.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task Presence_typing_and_read_reach_the_other_user()
    {
        await using var alice = await Server.ConnectAsync("erin");
        await using var bob = await Server.ConnectAsync("fred");
        await alice.JoinAsync("signals");
        await bob.JoinAsync("signals");

        var presence = await alice.ExpectAsync("presence");
        Assert.Equal("fred", presence.GetProperty("user").GetString());
        Assert.Equal("join", presence.GetProperty("event").GetString());

        await bob.SendAsync(new { type = "typing", room = "signals" });
        Assert.Equal("fred", (await alice.ExpectAsync("typing")).GetProperty("user").GetString());

        await alice.SendAsync(new { type = "send", room = "signals", id = "1", text = "did you read this?" });
        await alice.ExpectAsync("ack");
        await bob.ExpectAsync("message");
        await bob.SendAsync(new { type = "read", room = "signals", seq = 1 });
        var read = await alice.ExpectAsync("read");
        Assert.Equal("fred", read.GetProperty("user").GetString());
        Assert.Equal(1, read.GetProperty("seq").GetInt64());

        await bob.SendAsync(new { type = "leave", room = "signals" });
        await bob.ExpectAsync("left");
        var gone = await alice.ExpectAsync("presence");
        Assert.Equal("leave", gone.GetProperty("event").GetString());
    }

    [Fact]
    public async Task A_disconnect_is_a_presence_leave_for_the_others()
    {
        await using var alice = await Server.ConnectAsync("gina");
        var bob = await Server.ConnectAsync("hank");
        await alice.JoinAsync("drops");
        await bob.JoinAsync("drops");
        await alice.ExpectAsync("presence");

        await bob.DisposeAsync();

        var left = await alice.ExpectAsync("presence");
        Assert.Equal("hank", left.GetProperty("user").GetString());
        Assert.Equal("leave", left.GetProperty("event").GetString());
    }

    [Fact]
    public async Task Join_with_since_replays_what_was_missed_and_history_pages_backwards()
    {
        await using var alice = await Server.ConnectAsync("ivan");
        await alice.JoinAsync("archive");
        for (var i = 1; i <= 60; i++)
            await alice.SendAsync(new { type = "send", room = "archive", id = $"a{i}", text = $"message {i}" });
        for (var i = 1; i <= 60; i++)
            Assert.Equal(i, (await alice.ExpectAsync("ack")).GetProperty("seq").GetInt64());

        await using var bob = await Server.ConnectAsync("judy");
        var latest = await bob.JoinAsync("archive");
        Assert.Equal(60, latest.GetProperty("seq").GetInt64());
        Assert.Equal(Enumerable.Range(11, 50).Select(i => (long)i), latest.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));

        await using var resumed = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.LoginAsync("judy"));
        await resumed.ExpectAsync("welcome");
        var replay = await resumed.JoinAsync("archive", since: 57);
        Assert.Equal([58L, 59, 60], replay.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));

        await bob.SendAsync(new { type = "history", room = "archive", before = 11, limit = 7 });
        var page = await bob.ExpectAsync("history");
        Assert.Equal([4L, 5, 6, 7, 8, 9, 10], page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));
        Assert.True(page.GetProperty("more").GetBoolean());
        await bob.SendAsync(new { type = "history", room = "archive", before = 4 });
        var first = await bob.ExpectAsync("history");
        Assert.Equal([1L, 2, 3], first.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));
        Assert.False(first.GetProperty("more").GetBoolean());
    }

    [Fact]
    public async Task Ping_is_answered_with_pong()
    {
        await using var alice = await Server.ConnectAsync("kate");

        await alice.SendAsync(new { type = "ping" });

        await alice.ExpectAsync("pong");
    }

    [Fact]
    public async Task A_refresh_with_a_new_token_is_answered_with_refreshed_and_a_foreign_one_is_forbidden()
    {
        await using var alice = await Server.ConnectAsync("lena");
        var fresh = await Server.LoginAsync("lena");
        var foreign = await Server.RegisterAndLoginAsync("mona");

        await alice.SendAsync(new { type = "refresh", token = fresh });
        var refreshed = await alice.ExpectAsync("refreshed");
        await alice.SendAsync(new { type = "refresh", token = foreign });
        var error = await alice.ExpectAsync("error");

        Assert.True(DateTimeOffset.Parse(refreshed.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddHours(23));
        Assert.Equal("forbidden", error.GetProperty("code").GetString());
        await alice.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task A_send_naming_a_photo_never_uploaded_is_refused_and_stores_nothing()
    {
        await using var alice = await Server.ConnectAsync("nina");
        await alice.JoinAsync("pictures");

        await alice.SendAsync(new { type = "send", room = "pictures", id = "p1", text = "look", attachment = "0123456789abcdef0123456789abcdef" });

        var error = await alice.ExpectAsync("error");
        Assert.Equal("forbidden", error.GetProperty("code").GetString());
        Assert.Equal("p1", error.GetProperty("ref").GetString());
        await alice.SendAsync(new { type = "send", room = "pictures", id = "p2", text = "words only" });
        Assert.Equal(1, (await alice.ExpectAsync("ack")).GetProperty("seq").GetInt64());
    }
}
