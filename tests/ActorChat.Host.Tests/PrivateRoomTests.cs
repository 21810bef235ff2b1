using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>Private rooms and direct rooms over real sockets: who gets in, and who is put out at once.</summary>
public sealed class PrivateRoomTests : ServerTest
{
    private static IEnumerable<string?> Names(JsonElement joined, string field) =>
        joined.GetProperty(field).EnumerateArray().Select(u => u.GetString());

    private static async Task<JsonElement> ErrorAsync(ChatClient client, object frame)
    {
        await client.SendAsync(frame);
        return await client.ExpectAsync("error");
    }

    [Fact]
    public async Task A_private_room_lets_in_its_owner_and_those_invited_and_refuses_everyone_else()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await using var bob = await Server.ConnectAsync("bob");
        await using var mallory = await Server.ConnectAsync("mallory");

        await alice.SendAsync(new { type = "create", room = "secret", @private = true });
        var created = await alice.ExpectAsync("joined");
        Assert.True(created.GetProperty("private").GetBoolean());
        Assert.Equal("alice", created.GetProperty("owner").GetString());
        Assert.Equal(["alice"], Names(created, "roster"));

        var refused = await ErrorAsync(mallory, new { type = "join", room = "secret" });
        Assert.Equal(("forbidden", "secret"), (refused.GetProperty("code").GetString(), refused.GetProperty("ref").GetString()));
        // Refused means not in: nothing of the room reaches the outsider, and it cannot send there.
        var notIn = await ErrorAsync(mallory, new { type = "send", room = "secret", id = "m1", text = "let me in" });
        Assert.Equal("not_joined", notIn.GetProperty("code").GetString());

        await alice.SendAsync(new { type = "invite", room = "secret", user = "Bob" });
        var invited = await alice.ExpectAsync("member");
        Assert.Equal(("bob", "invited", "alice"), (invited.GetProperty("user").GetString(), invited.GetProperty("event").GetString(), invited.GetProperty("by").GetString()));
        var joined = await bob.JoinAsync("secret");
        Assert.Equal(["alice", "bob"], Names(joined, "roster"));
        await alice.ExpectAsync("presence");

        // Only the owner changes the roster.
        var notOwner = await ErrorAsync(bob, new { type = "invite", room = "secret", user = "mallory" });
        Assert.Equal("forbidden", notOwner.GetProperty("code").GetString());
        await alice.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task Inviting_a_name_with_no_account_is_refused_so_whoever_registers_it_later_is_not_let_in()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await alice.SendAsync(new { type = "create", room = "secret", @private = true });
        await alice.ExpectAsync("joined");

        var refused = await ErrorAsync(alice, new { type = "invite", room = "secret", user = "not_yet_born" });

        Assert.Equal(("not_found", "not_yet_born"), (refused.GetProperty("code").GetString(), refused.GetProperty("ref").GetString()));
        await using var latecomer = await Server.ConnectAsync("not_yet_born");
        var outside = await ErrorAsync(latecomer, new { type = "join", room = "secret" });
        Assert.Equal("forbidden", outside.GetProperty("code").GetString());
        await alice.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task A_removed_member_is_put_out_at_once_on_every_device_and_can_no_longer_read_or_rejoin()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await using var bob = await Server.ConnectAsync("bob");
        await using var bobPhone = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.LoginAsync("bob"));
        await bobPhone.ExpectAsync("welcome");
        await alice.SendAsync(new { type = "create", room = "team", @private = true });
        await alice.ExpectAsync("joined");
        await alice.SendAsync(new { type = "invite", room = "team", user = "bob" });
        await alice.ExpectAsync("member");
        await bob.JoinAsync("team");
        await bobPhone.JoinAsync("team");
        await alice.ExpectAsync("presence");
        await alice.SendAsync(new { type = "send", room = "team", id = "a1", text = "before" });
        await alice.ExpectAsync("ack");
        await bob.ExpectAsync("message");
        await bobPhone.ExpectAsync("message");

        await alice.SendAsync(new { type = "remove", room = "team", user = "bob" });

        foreach (var device in new[] { bob, bobPhone })
        {
            var removed = await device.ExpectSkippingAsync("left", "member");
            Assert.Equal(("team", "removed"), (removed.GetProperty("room").GetString(), removed.GetProperty("reason").GetString()));
        }
        Assert.Equal("removed", (await alice.ExpectAsync("member")).GetProperty("event").GetString());
        Assert.Equal("leave", (await alice.ExpectAsync("presence")).GetProperty("event").GetString());
        await alice.SendAsync(new { type = "send", room = "team", id = "a2", text = "after" });
        await alice.ExpectAsync("ack");

        var history = await ErrorAsync(bob, new { type = "history", room = "team" });
        Assert.Equal("not_joined", history.GetProperty("code").GetString());
        var rejoin = await ErrorAsync(bobPhone, new { type = "join", room = "team", since = 0 });
        Assert.Equal("forbidden", rejoin.GetProperty("code").GetString());
        await bob.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task Creating_a_room_that_exists_is_a_conflict_and_a_public_create_is_joined_like_any_room()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await using var bob = await Server.ConnectAsync("bob");
        await alice.JoinAsync("lobby");

        var taken = await ErrorAsync(bob, new { type = "create", room = "lobby", @private = true });
        Assert.Equal(("conflict", "lobby"), (taken.GetProperty("code").GetString(), taken.GetProperty("ref").GetString()));

        await alice.SendAsync(new { type = "create", room = "open-plan" });
        var created = await alice.ExpectAsync("joined");
        Assert.False(created.TryGetProperty("private", out _));
        var joined = await bob.JoinAsync("open-plan");
        Assert.False(joined.TryGetProperty("roster", out _));
    }

    [Fact]
    public async Task A_public_room_keeps_its_name_once_anything_was_stored_in_it_and_an_empty_one_nobody_is_in_is_free_to_create()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await using var bob = await Server.ConnectAsync("bob");
        await alice.JoinAsync("notes");
        await alice.SendAsync(new { type = "send", room = "notes", id = "n1", text = "kept" });
        await alice.ExpectAsync("ack");
        await alice.JoinAsync("scratch");
        foreach (var room in new[] { "notes", "scratch" })
        {
            await alice.SendAsync(new { type = "leave", room });
            await alice.ExpectAsync("left");
        }

        var taken = await ErrorAsync(bob, new { type = "create", room = "notes", @private = true });
        await bob.SendAsync(new { type = "create", room = "scratch", @private = true });
        var created = await bob.ExpectAsync("joined");

        Assert.Equal(("conflict", "notes"), (taken.GetProperty("code").GetString(), taken.GetProperty("ref").GetString()));
        // Nothing was ever stored in it and nobody was in it: it did not exist, and nothing of anyone's is in it.
        Assert.True(created.GetProperty("private").GetBoolean());
        Assert.Empty(created.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task A_direct_room_is_reached_from_either_name_and_only_its_two_users_get_in()
    {
        await using var alice = await Server.ConnectAsync("Alice");
        await using var bob = await Server.ConnectAsync("bob");
        await using var carol = await Server.ConnectAsync("carol");

        await alice.SendAsync(new { type = "dm", user = "BOB" });
        var fromAlice = await alice.ExpectAsync("joined");
        Assert.Equal("dm:alice:bob", fromAlice.GetProperty("room").GetString());
        Assert.True(fromAlice.GetProperty("direct").GetBoolean());
        // The room's name is in lower case; its roster names each user as registered.
        Assert.Equal(["Alice", "bob"], Names(fromAlice, "roster"));
        await alice.SendAsync(new { type = "send", room = "dm:alice:bob", id = "d1", text = "psst" });
        await alice.ExpectAsync("ack");

        await bob.SendAsync(new { type = "dm", user = "alice" });
        var fromBob = await bob.ExpectAsync("joined");
        Assert.Equal("dm:alice:bob", fromBob.GetProperty("room").GetString());
        Assert.Equal("psst", fromBob.GetProperty("messages")[0].GetProperty("text").GetString());

        var outsider = await ErrorAsync(carol, new { type = "join", room = "dm:alice:bob" });
        Assert.Equal("forbidden", outsider.GetProperty("code").GetString());
        var nobody = await ErrorAsync(carol, new { type = "dm", user = "no_such_user" });
        Assert.Equal(("not_found", "no_such_user"), (nobody.GetProperty("code").GetString(), nobody.GetProperty("ref").GetString()));
        var self = await ErrorAsync(carol, new { type = "dm", user = "Carol" });
        Assert.Equal("bad_frame", self.GetProperty("code").GetString());
        // The direct namespace is reserved: no room can be created in it, and only well-formed names are rooms.
        var reserved = await ErrorAsync(carol, new { type = "create", room = "dm:alice:carol" });
        Assert.Equal("invalid_room", reserved.GetProperty("code").GetString());
        var malformed = await ErrorAsync(carol, new { type = "join", room = "dm:bob:alice" });
        Assert.Equal("invalid_room", malformed.GetProperty("code").GetString());
    }
}
