using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>Version 2 over real sockets: edits, deletes and reactions, resuming by revision, and version 1 clients beside them.</summary>
public sealed class MessageChangeTests : ServerTest
{
    private static async Task<JsonElement> SendAndAckAsync(ChatClient client, string room, string id, string text)
    {
        await client.SendAsync(new { type = "send", room, id, text });
        return await client.ExpectAsync("ack");
    }

    [Fact]
    public async Task The_welcome_announces_protocol_version_two()
    {
        await using var socket = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.RegisterAndLoginAsync("versioned"));

        var welcome = await socket.ExpectAsync("welcome");

        Assert.Equal(2, welcome.GetProperty("protocol").GetInt32());
    }

    [Fact]
    public async Task A_reply_names_the_message_it_answers_live_and_in_the_replay_and_a_reply_to_nothing_is_refused()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await using var bob = await Server.ConnectAsync("bob");
        await alice.JoinAsync("team");
        await bob.JoinAsync("team");
        await alice.ExpectAsync("presence");
        await SendAndAckAsync(alice, "team", "a1", "lunch?");
        await bob.ExpectAsync("message");

        await bob.SendAsync(new { type = "send", room = "team", id = "b1", text = "yes, at noon", replyTo = 1 });
        Assert.Equal(2, (await bob.ExpectAsync("ack")).GetProperty("seq").GetInt64());
        var reply = await alice.ExpectAsync("message");
        Assert.Equal((2L, 1L), (reply.GetProperty("seq").GetInt64(), reply.GetProperty("replyTo").GetInt64()));

        await bob.SendAsync(new { type = "send", room = "team", id = "b2", text = "to the future", replyTo = 3 });
        var refused = await bob.ExpectAsync("error");
        Assert.Equal(("not_found", "b2"), (refused.GetProperty("code").GetString(), refused.GetProperty("ref").GetString()));
        await bob.SendAsync(new { type = "send", room = "team", id = "b3", text = "to nothing", replyTo = 0 });
        Assert.Equal("bad_frame", (await bob.ExpectAsync("error")).GetProperty("code").GetString());

        await using var carol = await Server.ConnectAsync("carol");
        var joined = await carol.JoinAsync("team");
        var messages = joined.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal(1, messages[1].GetProperty("replyTo").GetInt64());
    }

    [Fact]
    public async Task Users_edit_and_delete_their_own_messages_react_to_any_and_everyone_else_sees_it_live()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await using var bob = await Server.ConnectAsync("bob");
        await alice.JoinAsync("team");
        await bob.JoinAsync("team");
        await alice.ExpectAsync("presence");
        await SendAndAckAsync(alice, "team", "a1", "meetng at 3");
        await bob.ExpectAsync("message");

        await bob.SendAsync(new { type = "edit", room = "team", id = "b1", seq = 1, text = "cancelled" });
        var refused = await bob.ExpectAsync("error");
        Assert.Equal(("forbidden", "b1"), (refused.GetProperty("code").GetString(), refused.GetProperty("ref").GetString()));
        await bob.SendAsync(new { type = "delete", room = "team", id = "b2", seq = 1 });
        Assert.Equal("forbidden", (await bob.ExpectAsync("error")).GetProperty("code").GetString());

        await alice.SendAsync(new { type = "edit", room = "team", id = "a2", seq = 1, text = "meeting at 3" });
        var ack = await alice.ExpectAsync("ack");
        Assert.Equal(("a2", 1L, 2L), (ack.GetProperty("id").GetString(), ack.GetProperty("seq").GetInt64(), ack.GetProperty("rev").GetInt64()));
        var edited = await bob.ExpectAsync("edited");
        Assert.Equal(("meeting at 3", 2L), (edited.GetProperty("text").GetString(), edited.GetProperty("rev").GetInt64()));

        await bob.SendAsync(new { type = "react", room = "team", id = "b3", seq = 1, emoji = "👍🏽" });
        Assert.Equal(3L, (await bob.ExpectAsync("ack")).GetProperty("rev").GetInt64());
        var reaction = await alice.ExpectAsync("reaction");
        Assert.Equal(("bob", "👍🏽", "add", 1), (reaction.GetProperty("user").GetString(), reaction.GetProperty("emoji").GetString(),
            reaction.GetProperty("op").GetString(), reaction.GetProperty("count").GetInt32()));

        await alice.SendAsync(new { type = "delete", room = "team", id = "a3", seq = 1 });
        await alice.ExpectAsync("ack");
        Assert.Equal(4L, (await bob.ExpectAsync("deleted")).GetProperty("rev").GetInt64());
        await alice.ExpectNothingPendingAsync();
        await bob.ExpectNothingPendingAsync();

        await using var carol = await Server.ConnectAsync("carol");
        var joined = await carol.JoinAsync("team");
        var placeholder = joined.GetProperty("messages")[0];
        Assert.Equal((1L, true, ""), (placeholder.GetProperty("seq").GetInt64(), placeholder.GetProperty("deleted").GetBoolean(), placeholder.GetProperty("text").GetString()));
        Assert.Equal(4L, joined.GetProperty("rev").GetInt64());
    }

    [Fact]
    public async Task A_client_back_with_its_revision_learns_of_every_edit_delete_and_reaction_made_while_it_was_away()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await alice.JoinAsync("news");
        await SendAndAckAsync(alice, "news", "a1", "first");
        await SendAndAckAsync(alice, "news", "a2", "second");
        long rev;
        await using (var bob = await Server.ConnectAsync("bob"))
        {
            rev = (await bob.JoinAsync("news")).GetProperty("rev").GetInt64();
            await alice.ExpectAsync("presence");
        }
        await alice.ExpectAsync("presence");

        await alice.SendAsync(new { type = "edit", room = "news", id = "e1", seq = 1, text = "first, edited" });
        await alice.ExpectAsync("ack");
        await alice.SendAsync(new { type = "react", room = "news", id = "r1", seq = 2, emoji = "🎉" });
        await alice.ExpectAsync("ack");
        await alice.SendAsync(new { type = "delete", room = "news", id = "d1", seq = 2 });
        await alice.ExpectAsync("ack");
        await SendAndAckAsync(alice, "news", "a3", "third");

        await using var back = await Server.ConnectAsync("bob");
        await back.SendAsync(new { type = "join", room = "news", rev });
        var joined = await back.ExpectAsync("joined");

        var events = joined.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["edited", "reaction", "deleted", "message"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal([rev + 1, rev + 2, rev + 3, rev + 4], events.Select(e => e.GetProperty("rev").GetInt64()));
        Assert.Equal("first, edited", events[0].GetProperty("text").GetString());
        Assert.Equal(3L, events[3].GetProperty("seq").GetInt64());
        Assert.Empty(joined.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task A_version_one_client_sees_every_message_once_and_in_order_while_others_edit_and_react()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await using var old = await Server.ConnectAsync("legacy");
        await alice.JoinAsync("mixed");
        await old.JoinAsync("mixed");
        await alice.ExpectAsync("presence");

        for (var i = 1; i <= 10; i++)
        {
            await SendAndAckAsync(alice, "mixed", $"m{i}", $"message {i}");
            await alice.SendAsync(new { type = "react", room = "mixed", id = $"r{i}", seq = i, emoji = "👀" });
            await alice.ExpectAsync("ack");
            await alice.SendAsync(new { type = "edit", room = "mixed", id = $"e{i}", seq = i, text = $"message {i}!" });
            await alice.ExpectAsync("ack");
        }

        // A version 1 client reads `message` frames by seq and skips the types it does not know.
        var seqs = new List<long>();
        for (var frames = 0; frames < 30; frames++)
        {
            var frame = await old.NextAsync();
            var type = frame.GetProperty("type").GetString();
            if (type == "message")
                seqs.Add(frame.GetProperty("seq").GetInt64());
            else
                Assert.True(type is "edited" or "reaction", $"unexpected {frame}");
        }
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), seqs);

        // Rejoining with since replays the missed messages in their current state, still one per seq.
        var joined = await old.JoinAsync("mixed", since: 7);
        var replayed = joined.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal([8L, 9, 10], replayed.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal("message 8!", replayed[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("""{"type":"edit","room":"bad","id":"x1","text":"no seq"}""", "bad_frame", "x1")]
    [InlineData("""{"type":"edit","room":"bad","id":"x2","seq":0,"text":"zero"}""", "bad_frame", "x2")]
    [InlineData("""{"type":"edit","room":"bad","id":"x3","seq":1,"text":""}""", "bad_frame", "x3")]
    [InlineData("""{"type":"react","room":"bad","id":"x4","seq":1,"emoji":"ab"}""", "bad_frame", "x4")]
    [InlineData("""{"type":"react","room":"bad","id":"x5","seq":1,"emoji":"a"}""", "bad_frame", "x5")]
    [InlineData("""{"type":"react","room":"bad","id":"x6","seq":1,"emoji":"👍👍"}""", "bad_frame", "x6")]
    [InlineData("""{"type":"delete","room":"bad","seq":1}""", "bad_frame", null)]
    [InlineData("""{"type":"delete","room":"bad","id":"x7","seq":5}""", "not_found", "x7")]
    [InlineData("""{"type":"unreact","room":"elsewhere","id":"x8","seq":1,"emoji":"👍"}""", "not_joined", "x8")]
    public async Task A_malformed_or_misdirected_change_gets_a_precise_error_and_changes_nothing(string frame, string code, string? reference)
    {
        await using var alice = await Server.ConnectAsync("alice");
        await alice.JoinAsync("bad");
        await SendAndAckAsync(alice, "bad", "m1", "untouched");

        await alice.SendTextAsync(frame);

        var error = await alice.ExpectAsync("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(reference, error.TryGetProperty("ref", out var r) ? r.GetString() : null);
        var joined = await alice.JoinAsync("bad", since: 0);
        var message = joined.GetProperty("messages")[0];
        Assert.Equal("untouched", message.GetProperty("text").GetString());
        Assert.Equal(1L, joined.GetProperty("rev").GetInt64());
    }
}
