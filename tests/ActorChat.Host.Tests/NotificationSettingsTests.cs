using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>
/// A user's notification setting for each room in their list, and the count of unread mentions beside the count of
/// unread messages, over real sockets: set on one device, the same on every device, and kept with the room list.
/// </summary>
public sealed class NotificationSettingsTests : ServerTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly string[] Ignorable = ["presence", "message", "typing", "read", "received", "member", "room"];

    private sealed record Listed(string Room, long Unread, long Mentions, string Notify);

    private static async Task<ChatClient> DeviceAsync(ChatServer server, string user)
    {
        var device = await ChatClient.ConnectAsync(server.SocketAddress, await server.LoginAsync(user));
        await device.ExpectAsync("welcome");
        return device;
    }

    private static async Task<List<Listed>> RoomsAsync(ChatClient client)
    {
        await client.SendAsync(new { type = "rooms" });
        var rooms = await client.ExpectSkippingAsync("rooms", Ignorable);
        return [.. rooms.GetProperty("rooms").EnumerateArray().Select(r => new Listed(r.GetProperty("room").GetString()!,
            r.GetProperty("unread").GetInt64(), r.GetProperty("mentions").GetInt64(), r.GetProperty("notify").GetString()!))];
    }

    // The table is written behind the frames that change it: ask again until it shows what is expected, or the deadline passes.
    private static Task<List<Listed>> RoomsUntilAsync(ChatClient client, Func<List<Listed>, bool> expected) =>
        Eventually.Value(() => RoomsAsync(client), expected, Deadline, TimeSpan.FromMilliseconds(50));

    private static async Task PostAsync(ChatClient client, string room, string id, string text)
    {
        await client.SendAsync(new { type = "send", room, id, text });
        await client.ExpectSkippingAsync("ack", Ignorable);
    }

    private static (string Room, string Level) Notify(JsonElement frame) => (frame.GetProperty("room").GetString()!, frame.GetProperty("level").GetString()!);

    [Fact]
    public async Task A_room_set_to_mentions_on_one_device_reads_so_on_every_device_with_its_unread_mentions_counted_apart()
    {
        await using var laptop = await Server.ConnectAsync("alice");
        await using var phone = await DeviceAsync(Server, "alice");
        await using var bob = await Server.ConnectAsync("bob");
        await laptop.JoinAsync("garden");
        await RoomsAsync(phone);
        await bob.JoinAsync("garden");
        foreach (var (id, text) in new[] { ("b1", "hello all"), ("b2", "hey @alice, look"), ("b3", "@ALICE again"), ("b4", "mail alice@example.org"), ("b5", "see `@alice` in code") })
            await PostAsync(bob, "garden", id, text);

        await laptop.SendAsync(new { type = "notify", room = "garden", level = "mentions" });

        Assert.Equal(("garden", "mentions"), Notify(await laptop.ExpectSkippingAsync("notify", Ignorable)));
        Assert.Equal(("garden", "mentions"), Notify(await phone.ExpectSkippingAsync("notify", Ignorable)));
        await using var tablet = await DeviceAsync(Server, "alice");
        var rooms = await RoomsUntilAsync(tablet, rooms => rooms.Count == 1 && rooms[0].Unread == 5);
        Assert.Equal(new Listed("garden", 5, 2, "mentions"), rooms[0]);

        // Read on one device: no unread mention anywhere.
        await laptop.SendAsync(new { type = "read", room = "garden", seq = 5 });
        rooms = await RoomsUntilAsync(tablet, rooms => rooms[0].Unread == 0);
        Assert.Equal(new Listed("garden", 0, 0, "mentions"), rooms[0]);
    }

    [Fact]
    public async Task A_direct_room_counts_every_unread_message_as_a_mention_and_a_room_forgotten_comes_back_with_every_message()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await using var bob = await Server.ConnectAsync("bob");
        await bob.SendAsync(new { type = "dm", user = "alice" });
        await bob.ExpectSkippingAsync("joined", Ignorable);
        await PostAsync(bob, "dm:alice:bob", "d1", "are you there?");
        await PostAsync(bob, "dm:alice:bob", "d2", "no rush");
        await alice.JoinAsync("garden");
        await alice.SendAsync(new { type = "notify", room = "garden", level = "muted" });
        Assert.Equal(("garden", "muted"), Notify(await alice.ExpectSkippingAsync("notify", Ignorable)));

        var rooms = await RoomsUntilAsync(alice, rooms => rooms.Count == 2 && rooms.Any(r => r.Room == "dm:alice:bob" && r.Unread == 2));
        Assert.Contains(new Listed("dm:alice:bob", 2, 2, "all"), rooms);
        Assert.Contains(new Listed("garden", 0, 0, "muted"), rooms);

        // Forgotten and joined again: the room starts over from "all".
        await alice.SendAsync(new { type = "forget", room = "garden" });
        await alice.ExpectSkippingAsync("left", Ignorable);
        await alice.JoinAsync("garden");
        rooms = await RoomsUntilAsync(alice, rooms => rooms.Any(r => r.Room == "garden"));
        Assert.Contains(new Listed("garden", 0, 0, "all"), rooms);
    }

    [Fact]
    public async Task A_room_not_in_the_users_list_is_refused_and_nothing_is_stored_for_it()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await alice.SendAsync(new { type = "notify", room = "nowhere", level = "muted" });

        var error = await alice.ExpectSkippingAsync("error", Ignorable);
        Assert.Equal(("not_joined", "nowhere"), (error.GetProperty("code").GetString(), error.GetProperty("ref").GetString()));
        Assert.Empty(await RoomsAsync(alice));
    }
}
