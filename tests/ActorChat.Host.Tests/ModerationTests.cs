using System.Net.Http.Json;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>Moderation over real sockets: a spammer stopped in a public room, and the server's administrators.</summary>
public sealed class ModerationTests() : ServerTest("ActorChat:Admin:Users:0=Root")
{
    private static async Task<JsonElement> ErrorAsync(ChatClient client, object frame)
    {
        await client.SendAsync(frame);
        return await client.ExpectAsync("error");
    }

    private static string Code(JsonElement error) => error.GetProperty("code").GetString()!;

    [Fact]
    public async Task The_owner_of_a_public_room_bans_a_spammer_who_is_put_out_at_once_and_cannot_come_back()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await using var spammer = await Server.ConnectAsync("spammer");
        await using var bob = await Server.ConnectAsync("bob");
        await alice.SendAsync(new { type = "create", room = "plaza" });
        await alice.ExpectAsync("joined");
        await spammer.JoinAsync("plaza");
        await bob.JoinAsync("plaza");
        await alice.ExpectAsync("presence");
        await alice.ExpectAsync("presence");
        await spammer.ExpectAsync("presence");

        // Only moderators and owners moderate.
        Assert.Equal("forbidden", Code(await ErrorAsync(spammer, new { type = "ban", room = "plaza", id = "s1", user = "alice" })));

        await alice.SendAsync(new { type = "ban", room = "plaza", id = "b1", user = "spammer", until = "2099-01-01T00:00:00Z", reason = "spam links" });
        var ack = await alice.ExpectAsync("ack");
        Assert.Equal(("b1", 0L), (ack.GetProperty("id").GetString(), ack.GetProperty("seq").GetInt64()));
        foreach (var member in new[] { spammer, bob })
        {
            var banned = await member.ExpectAsync("moderation");
            Assert.Equal(("ban", "spammer", "2099-01-01T00:00:00.000Z"),
                (banned.GetProperty("action").GetString(), banned.GetProperty("user").GetString(), banned.GetProperty("until").GetString()));
        }
        var left = await spammer.ExpectAsync("left");
        Assert.Equal(("banned", "spam links"), (left.GetProperty("reason").GetString(), left.GetProperty("note").GetString()));

        // Out: the spammer's sends and joins go nowhere.
        Assert.Equal("not_joined", Code(await ErrorAsync(spammer, new { type = "send", room = "plaza", id = "x1", text = "buy now" })));
        var refused = await ErrorAsync(spammer, new { type = "join", room = "plaza" });
        Assert.Equal(("forbidden", "plaza"), (Code(refused), refused.GetProperty("ref").GetString()));
        Assert.Contains("banned", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("leave", (await bob.ExpectAsync("presence")).GetProperty("event").GetString());
        await alice.ExpectAsync("presence");

        // The moderation log says who did it and why; only moderators and owners read it.
        await alice.SendAsync(new { type = "moderation_log", room = "plaza" });
        var entry = (await alice.ExpectAsync("moderation_log")).GetProperty("entries")[0];
        Assert.Equal(("ban", "alice", "spammer", "spam links"),
            (entry.GetProperty("action").GetString(), entry.GetProperty("by").GetString(), entry.GetProperty("user").GetString(), entry.GetProperty("reason").GetString()));
        Assert.Equal("forbidden", Code(await ErrorAsync(bob, new { type = "moderation_log", room = "plaza" })));

        // The ban is stored: it holds after a restart.
        await alice.DisposeAsync();
        await spammer.DisposeAsync();
        await bob.DisposeAsync();
        await RestartAsync();
        await using var again = await Server.ConnectAsync("spammer");
        Assert.Equal("forbidden", Code(await ErrorAsync(again, new { type = "join", room = "plaza" })));
    }

    [Fact]
    public async Task A_moderator_mutes_and_sets_slow_mode_and_the_members_hear_why_their_sends_are_refused()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await using var mod = await Server.ConnectAsync("mod");
        await using var loud = await Server.ConnectAsync("loud");
        await alice.SendAsync(new { type = "create", room = "agora" });
        await alice.ExpectAsync("joined");
        await mod.JoinAsync("agora");
        await loud.JoinAsync("agora");
        await alice.ExpectAsync("presence");
        await alice.ExpectAsync("presence");
        await mod.ExpectAsync("presence");
        await alice.SendAsync(new { type = "role", room = "agora", id = "r1", user = "mod", role = "moderator" });
        await alice.ExpectAsync("ack");
        Assert.Equal("moderator", (await mod.ExpectAsync("moderation")).GetProperty("role").GetString());
        await loud.ExpectAsync("moderation");

        await mod.SendAsync(new { type = "mute", room = "agora", id = "m1", user = "loud", until = DateTimeOffset.UtcNow.AddMinutes(5).ToString("O") });
        await mod.ExpectAsync("ack");
        Assert.Equal("mute", (await loud.ExpectAsync("moderation")).GetProperty("action").GetString());
        var muted = await ErrorAsync(loud, new { type = "send", room = "agora", id = "l1", text = "LOUD" });
        Assert.Equal(("forbidden", "l1"), (Code(muted), muted.GetProperty("ref").GetString()));
        Assert.Contains("muted", muted.GetProperty("message").GetString(), StringComparison.Ordinal);

        await mod.SendAsync(new { type = "unmute", room = "agora", id = "m2", user = "loud" });
        await mod.ExpectAsync("ack");
        await mod.SendAsync(new { type = "slowmode", room = "agora", id = "m3", seconds = 600 });
        await mod.ExpectAsync("ack");
        await loud.SendAsync(new { type = "send", room = "agora", id = "l2", text = "once" });
        await loud.ExpectSkippingAsync("ack", "moderation");
        var slowed = await ErrorAsync(loud, new { type = "send", room = "agora", id = "l3", text = "twice" });
        Assert.Equal(("rate_limited", "l3"), (Code(slowed), slowed.GetProperty("ref").GetString()));
        Assert.Contains("slow mode", slowed.GetProperty("message").GetString(), StringComparison.Ordinal);
        // Refused for good: the server does not retry it, and it never reaches the room.
        await alice.ExpectSkippingAsync("message", "moderation");
        await alice.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task A_server_administrator_moderates_any_room_and_moderation_frames_are_checked_field_by_field()
    {
        await using var alice = await Server.ConnectAsync("alice");
        // The welcome tells an administrator so (the name as configured is matched in any case).
        await using var root = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.RegisterAndLoginAsync("root"));
        Assert.True((await root.ExpectAsync("welcome")).GetProperty("admin").GetBoolean());
        Assert.False((await alice.JoinAsync("nobodys")).TryGetProperty("admin", out _));
        await root.JoinAsync("nobodys");
        await alice.ExpectAsync("presence");

        // A room made by a plain join has no owner: an administrator names one.
        Assert.Equal("forbidden", Code(await ErrorAsync(alice, new { type = "slowmode", room = "nobodys", id = "a1", seconds = 5 })));
        await root.SendAsync(new { type = "role", room = "nobodys", id = "r1", user = "alice", role = "owner" });
        await root.ExpectAsync("ack");
        await alice.ExpectAsync("moderation");
        // Whoever joins learns their role and who moderates.
        await using var carol = await Server.ConnectAsync("carol");
        var joined = await carol.JoinAsync("nobodys");
        Assert.Equal("member", joined.GetProperty("role").GetString());
        Assert.Equal([("alice", "owner")], joined.GetProperty("staff").EnumerateArray().Select(s => (s.GetProperty("user").GetString(), s.GetProperty("role").GetString())));
        await alice.ExpectAsync("presence");
        await root.ExpectAsync("presence");

        Assert.Equal("bad_frame", Code(await ErrorAsync(root, new { type = "role", room = "nobodys", id = "r2", user = "alice", role = "king" })));
        Assert.Equal("bad_frame", Code(await ErrorAsync(root, new { type = "mute", room = "nobodys", id = "r3", user = "alice" })));
        Assert.Equal("bad_frame", Code(await ErrorAsync(root, new { type = "ban", room = "nobodys", id = "r4", user = "alice", until = "tomorrow" })));
        Assert.Equal("bad_frame", Code(await ErrorAsync(root, new { type = "slowmode", room = "nobodys", id = "r5", seconds = 100000 })));
        Assert.Equal("too_large", Code(await ErrorAsync(root, new { type = "kick", room = "nobodys", id = "r6", user = "alice", reason = new string('x', 501) })));
        Assert.Equal("bad_frame", Code(await ErrorAsync(root, new { type = "ban", room = "nobodys", id = "r7", user = "alice", until = "2001-01-01T00:00:00Z" })));
        await alice.ExpectNothingPendingAsync();

        // An administrator kicks even an owner.
        await root.SendAsync(new { type = "kick", room = "nobodys", id = "r8", user = "alice" });
        await root.ExpectAsync("ack");
        await alice.ExpectAsync("moderation");
        Assert.Equal("kicked", (await alice.ExpectAsync("left")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_administrator_suspends_an_account_which_is_signed_out_everywhere_at_once_and_refused_sign_in_until_lifted()
    {
        await using var root = await Server.ConnectAsync("Root");
        await using var phone = await Server.ConnectAsync("troll");
        await using var laptop = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.LoginAsync("troll"));
        await laptop.ExpectAsync("welcome");
        await using var member = await Server.ConnectAsync("member");

        // Only administrators suspend, and never themselves or a name nobody holds.
        var notAdmin = await ErrorAsync(member, new { type = "suspend", id = "s0", user = "troll" });
        Assert.Equal(("forbidden", "s0"), (Code(notAdmin), notAdmin.GetProperty("ref").GetString()));
        Assert.Equal("forbidden", Code(await ErrorAsync(root, new { type = "suspend", id = "s1", user = "root" })));
        Assert.Equal("not_found", Code(await ErrorAsync(root, new { type = "suspend", id = "s2", user = "nobody_at_all" })));
        Assert.Equal("bad_frame", Code(await ErrorAsync(root, new { type = "suspend", id = "s3", user = "troll", until = "yesterday" })));

        await root.SendAsync(new { type = "suspend", id = "s4", user = "TROLL", reason = "spam in every room" });
        var answer = await root.ExpectAsync("suspension");
        Assert.Equal(("s4", "troll", true, "spam in every room"), (answer.GetProperty("id").GetString(), answer.GetProperty("user").GetString(),
            answer.GetProperty("suspended").GetBoolean(), answer.GetProperty("reason").GetString()));

        foreach (var socket in new[] { phone, laptop })
        {
            Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, await socket.ExpectClosedAsync());
            Assert.Equal("account suspended", socket.CloseStatusDescription);
        }
        var refused = await Server.Http.PostAsJsonAsync("/api/login", new { username = "troll", password = "correct horse" });
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        var body = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("account_suspended", "spam in every room"), (body.GetProperty("error").GetString(), body.GetProperty("reason").GetString()));
        // Only the password's holder learns of the suspension.
        var wrong = await Server.Http.PostAsJsonAsync("/api/login", new { username = "troll", password = "not the password" });
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrong.StatusCode);

        await root.SendAsync(new { type = "unsuspend", id = "s5", user = "troll" });
        Assert.False((await root.ExpectAsync("suspension")).GetProperty("suspended").GetBoolean());
        await using var back = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.LoginAsync("troll"));
        await back.ExpectAsync("welcome");
    }

    [Fact]
    public async Task Reports_reach_the_rooms_moderators_and_an_administrator_reads_every_rooms_reports()
    {
        await using var owner = await Server.ConnectAsync("rep_owner");
        await using var spammer = await Server.ConnectAsync("rep_spammer");
        await using var reader = await Server.ConnectAsync("rep_reader");
        await using var root = await Server.ConnectAsync("Root");
        await owner.SendAsync(new { type = "create", room = "forum" });
        await owner.ExpectAsync("joined");
        await spammer.JoinAsync("forum");
        await reader.JoinAsync("forum");
        await spammer.SendAsync(new { type = "send", room = "forum", id = "s1", text = "buy now" });
        await spammer.ExpectSkippingAsync("ack", "presence");

        await reader.SendAsync(new { type = "report", room = "forum", id = "r1", seq = 1, reason = "spam" });
        Assert.Equal("r1", (await reader.ExpectSkippingAsync("ack", "presence", "message", "received", "read")).GetProperty("id").GetString());
        var live = await owner.ExpectSkippingAsync("report", "presence", "message", "received", "read");
        Assert.Equal(("forum", 1L, "rep_spammer", "rep_reader"), (live.GetProperty("room").GetString(), live.GetProperty("seq").GetInt64(),
            live.GetProperty("from").GetString(), live.GetProperty("by").GetString()));

        // Bad input is answered precisely and stores nothing.
        Assert.Equal("bad_frame", Code(await ErrorAsync(reader, new { type = "report", room = "forum", id = "r2", seq = 0 })));
        Assert.Equal("not_joined", Code(await ErrorAsync(root, new { type = "report", room = "forum", id = "r3", seq = 1 })));
        Assert.Equal("forbidden", Code(await ErrorAsync(reader, new { type = "reports" })));

        await root.SendAsync(new { type = "reports" });
        var all = await root.ExpectAsync("reports");
        Assert.False(all.TryGetProperty("room", out _));
        var entry = Assert.Single(all.GetProperty("entries").EnumerateArray());
        Assert.Equal(("forum", "spam", "rep_reader"), (entry.GetProperty("room").GetString(), entry.GetProperty("reason").GetString(), entry.GetProperty("by").GetString()));
    }

    [Fact]
    public async Task A_moderator_marks_a_messages_reports_handled_and_the_other_moderators_see_who_did()
    {
        string[] ignorable = ["presence", "message", "received", "read", "report", "moderation", "member"];
        await using var owner = await Server.ConnectAsync("res_owner");
        await using var mod = await Server.ConnectAsync("res_mod");
        await using var spammer = await Server.ConnectAsync("res_spammer");
        await using var reader = await Server.ConnectAsync("res_reader");
        await owner.SendAsync(new { type = "create", room = "hall" });
        await owner.ExpectAsync("joined");
        foreach (var client in new[] { mod, spammer, reader })
            await client.JoinAsync("hall");
        await owner.SendAsync(new { type = "role", room = "hall", id = "m1", user = "res_mod", role = "moderator" });
        await owner.ExpectSkippingAsync("ack", ignorable);
        foreach (var (id, text) in new[] { ("s1", "buy now"), ("s2", "really, buy now") })
        {
            await spammer.SendAsync(new { type = "send", room = "hall", id, text });
            await spammer.ExpectSkippingAsync("ack", ignorable);
        }
        foreach (var (id, seq) in new[] { ("r1", 1), ("r2", 2) })
        {
            await reader.SendAsync(new { type = "report", room = "hall", id, seq, reason = "spam" });
            await reader.ExpectSkippingAsync("ack", ignorable);
        }

        // A member may not; a moderator marks message 1's reports handled, and the owner is told who did.
        await reader.SendAsync(new { type = "resolve", room = "hall", id = "x1", seq = 1 });
        var refused = await reader.ExpectSkippingAsync("error", ignorable);
        Assert.Equal(("forbidden", "x1"), (Code(refused), refused.GetProperty("ref").GetString()));
        await mod.SendAsync(new { type = "resolve", room = "hall", id = "x2", seq = 1 });
        Assert.Equal("x2", (await mod.ExpectSkippingAsync("ack", ignorable)).GetProperty("id").GetString());
        var told = await owner.ExpectSkippingAsync("resolved", ignorable);
        Assert.Equal(("hall", 1L, "res_mod"), (told.GetProperty("room").GetString(), told.GetProperty("seq").GetInt64(), told.GetProperty("by").GetString()));

        // The open ones only, or all of them with who handled each.
        await owner.SendAsync(new { type = "reports", room = "hall", open = true });
        var open = await owner.ExpectSkippingAsync("reports", ignorable);
        Assert.Equal([2L], open.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
        await owner.SendAsync(new { type = "reports", room = "hall" });
        var all = (await owner.ExpectSkippingAsync("reports", ignorable)).GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([(2L, null), (1L, "res_mod")], all.Select(e => (e.GetProperty("seq").GetInt64(),
            e.TryGetProperty("handledBy", out var by) ? by.GetString() : null)));
        Assert.True(all[1].TryGetProperty("handled", out _));

        // Again: acked, nothing more to mark, nobody told again.
        await mod.SendAsync(new { type = "resolve", room = "hall", id = "x3", seq = 1 });
        Assert.Equal("x3", (await mod.ExpectSkippingAsync("ack", ignorable)).GetProperty("id").GetString());
        await owner.SendAsync(new { type = "ping" });
        await owner.ExpectSkippingAsync("pong", ignorable);
    }
}
