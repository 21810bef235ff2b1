using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>Rooms that follow the account over real sockets: the list and unread counts on any device, its changes at once, and the directory.</summary>
public sealed class RoomListTests : ServerTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static async Task<ChatClient> SecondDeviceAsync(ChatServer server, string user)
    {
        var device = await ChatClient.ConnectAsync(server.SocketAddress, await server.LoginAsync(user));
        await device.ExpectAsync("welcome");
        return device;
    }

    private static async Task<List<(string Room, string Kind, long Seq, long Read, long Unread)>> RoomsAsync(ChatClient client)
    {
        await client.SendAsync(new { type = "rooms" });
        var rooms = await client.ExpectAsync("rooms");
        return [.. rooms.GetProperty("rooms").EnumerateArray().Select(r => (r.GetProperty("room").GetString()!, r.GetProperty("kind").GetString()!,
            r.GetProperty("seq").GetInt64(), r.GetProperty("read").GetInt64(), r.GetProperty("unread").GetInt64()))];
    }

    // The list is written behind the frames that change it: ask again until it shows what is expected, or the deadline passes.
    private static Task<List<(string Room, string Kind, long Seq, long Read, long Unread)>> RoomsUntilAsync(ChatClient client,
        Func<List<(string Room, string Kind, long Seq, long Read, long Unread)>, bool> expected) =>
        Eventually.Value(() => RoomsAsync(client), expected, Deadline, TimeSpan.FromMilliseconds(50));

    private static async Task PostAsync(ChatClient client, string room, string id, string text)
    {
        await client.SendAsync(new { type = "send", room, id, text });
        await client.ExpectSkippingAsync("ack", "presence", "message", "typing", "read");
    }

    private static (string Room, string Kind, string Change) Change(JsonElement frame) =>
        (frame.GetProperty("room").GetString()!, frame.GetProperty("kind").GetString()!, frame.GetProperty("change").GetString()!);

    [Fact]
    public async Task A_new_device_finds_the_same_rooms_and_unread_counts_without_joining_any()
    {
        await using var laptop = await Server.ConnectAsync("alice");
        await using var bob = await Server.ConnectAsync("bob");
        await laptop.JoinAsync("garden");
        await laptop.SendAsync(new { type = "create", room = "club", @private = true });
        await laptop.ExpectAsync("joined");
        await bob.JoinAsync("garden");
        foreach (var n in new[] { 1, 2, 3 })
            await PostAsync(bob, "garden", $"b{n}", $"message {n}");
        await laptop.SendAsync(new { type = "read", room = "garden", seq = 1 });

        await using var phone = await SecondDeviceAsync(Server, "alice");
        var rooms = await RoomsUntilAsync(phone, rooms => rooms.Count == 2 && rooms[0].Read == 1);

        Assert.Equal([("garden", "public", 3L, 1L, 2L), ("club", "private", 0L, 0L, 0L)], rooms);
    }

    [Fact]
    public async Task Joining_forgetting_invitations_and_direct_messages_reach_the_users_other_devices_at_once()
    {
        await using var laptop = await Server.ConnectAsync("alice");
        await using var bob = await Server.ConnectAsync("bob");
        await using var phone = await SecondDeviceAsync(Server, "alice");
        Assert.Empty(await RoomsAsync(phone));
        await phone.JoinAsync("garden");

        await laptop.JoinAsync("attic");
        Assert.Equal(("attic", "public", "added"), Change(await phone.ExpectAsync("room")));

        // Forgotten on the laptop: off the list on the phone, and the phone leaves the room too.
        await laptop.SendAsync(new { type = "rooms" });
        await laptop.ExpectAsync("rooms");
        await laptop.JoinAsync("garden");
        await laptop.SendAsync(new { type = "forget", room = "garden" });
        Assert.Equal(("garden", "public", "forgotten"), Change(await laptop.ExpectAsync("room")));
        Assert.Equal("garden", (await laptop.ExpectAsync("left")).GetProperty("room").GetString());
        Assert.Equal(("garden", "public", "forgotten"), Change(await phone.ExpectAsync("room")));
        Assert.Equal("garden", (await phone.ExpectAsync("left")).GetProperty("room").GetString());
        var notIn = await SendAndExpectErrorAsync(phone, new { type = "send", room = "garden", id = "p1", text = "still here?" });
        Assert.Equal("not_joined", notIn);

        // Invited to a private room, then taken off its roster.
        await bob.SendAsync(new { type = "create", room = "club", @private = true });
        await bob.ExpectAsync("joined");
        await bob.SendAsync(new { type = "invite", room = "club", user = "alice" });
        var invitation = await phone.ExpectAsync("room");
        Assert.Equal(("club", "private", "added"), Change(invitation));
        Assert.Equal("bob", invitation.GetProperty("invitedBy").GetString());
        Assert.Equal(("club", "private", "added"), Change(await laptop.ExpectAsync("room")));
        await bob.SendAsync(new { type = "remove", room = "club", user = "alice" });
        Assert.Equal(("club", "private", "removed"), Change(await phone.ExpectAsync("room")));

        // A direct message lists the conversation for its reader.
        await bob.SendAsync(new { type = "dm", user = "alice" });
        await bob.ExpectSkippingAsync("joined", "member");
        await PostAsync(bob, "dm:alice:bob", "d1", "hi alice");
        Assert.Equal(("dm:alice:bob", "direct", "added"), Change(await phone.ExpectAsync("room")));

        var rooms = await RoomsUntilAsync(phone, rooms => rooms.Count == 2 && rooms[1].Seq == 1);
        Assert.Equal(["attic", "dm:alice:bob"], rooms.Select(r => r.Room).ToList());
        Assert.Equal((1L, 1L), (rooms[1].Seq, rooms[1].Unread));
    }

    [Fact]
    public async Task A_version_1_client_hears_nothing_of_the_room_list_and_keeps_its_rooms_when_another_device_forgets_one()
    {
        await using var oldClient = await Server.ConnectAsync("alice");
        await using var phone = await SecondDeviceAsync(Server, "alice");
        await oldClient.JoinAsync("garden");
        await phone.SendAsync(new { type = "rooms" });
        await phone.ExpectAsync("rooms");
        await phone.JoinAsync("attic");

        await phone.SendAsync(new { type = "forget", room = "garden" });
        await phone.ExpectAsync("room");

        await PostAsync(oldClient, "garden", "o1", "still in");
        await oldClient.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task The_directory_lists_public_rooms_by_prefix_with_member_counts_a_page_at_a_time()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await using var bob = await Server.ConnectAsync("bob");
        foreach (var room in new[] { "games-chess", "games-go", "games-poker", "gardening" })
            await PostAfterJoinAsync(alice, room);
        await bob.JoinAsync("games-go");
        await alice.SendAsync(new { type = "create", room = "games-secret", @private = true });
        await alice.ExpectSkippingAsync("joined", "presence");
        await PostAsync(alice, "games-secret", "s1", "hidden");
        await bob.SendAsync(new { type = "dm", user = "alice" });
        await bob.ExpectAsync("joined");
        await PostAsync(bob, "dm:alice:bob", "d1", "hidden too");

        var first = await Eventually.Value(async () =>
        {
            await alice.SendAsync(new { type = "directory", prefix = "games", limit = 2 });
            return await alice.ExpectSkippingAsync("directory", "presence", "message");
        }, page => Rooms(page).FirstOrDefault(r => r.Room == "games-go").Members >= 2, Deadline, TimeSpan.Zero);

        Assert.Equal([("games-chess", 1L), ("games-go", 2L)], Rooms(first));
        Assert.Equal("games-go", first.GetProperty("next").GetString());
        await alice.SendAsync(new { type = "directory", prefix = "games", after = "games-go", limit = 2 });
        var second = await alice.ExpectAsync("directory");
        Assert.Equal([("games-poker", 1L)], Rooms(second));
        Assert.False(second.TryGetProperty("next", out _));
        Assert.True(second.GetProperty("rooms")[0].TryGetProperty("lastActivity", out _));

        Assert.Equal("invalid_room", await SendAndExpectErrorAsync(alice, new { type = "directory", prefix = "Games!" }));
        Assert.Equal("bad_frame", await SendAndExpectErrorAsync(alice, new { type = "directory", limit = 101 }));
    }

    private static IEnumerable<(string Room, long Members)> Rooms(JsonElement directory) =>
        directory.GetProperty("rooms").EnumerateArray().Select(r => (r.GetProperty("room").GetString()!, r.GetProperty("members").GetInt64()));

    private static async Task PostAfterJoinAsync(ChatClient client, string room)
    {
        await client.JoinAsync(room);
        await PostAsync(client, room, room + "-1", "hello " + room);
    }

    private static async Task<string> SendAndExpectErrorAsync(ChatClient client, object frame)
    {
        await client.SendAsync(frame);
        return (await client.ExpectAsync("error")).GetProperty("code").GetString()!;
    }
}
