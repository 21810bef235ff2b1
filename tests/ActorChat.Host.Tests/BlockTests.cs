using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>Blocking over real sockets: the block follows the user to every device, and the blocked user cannot reach them.</summary>
public sealed class BlockTests : ServerTest
{
    private static async Task<JsonElement> AnswerAsync(ChatClient client, object frame, string type)
    {
        await client.SendAsync(frame);
        return await client.ExpectSkippingAsync(type, "rooms", "room", "presence");
    }

    private static string[] Users(JsonElement blocks) => [.. blocks.GetProperty("users").EnumerateArray().Select(u => u.GetString()!)];

    [Fact]
    public async Task A_blocked_user_cannot_open_a_conversation_or_invite_and_the_block_reaches_every_device()
    {
        await using var alice = await Server.ConnectAsync("Alice_b");
        await using var alicePhone = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.LoginAsync("Alice_b"));
        await alicePhone.ExpectAsync("welcome");
        await using var mallory = await Server.ConnectAsync("mallory_b");

        Assert.Equal("bad_frame", (await AnswerAsync(alice, new { type = "block", user = "alice_b" }, "error")).GetProperty("code").GetString());
        Assert.Equal("not_found", (await AnswerAsync(alice, new { type = "block", user = "nobody_here" }, "error")).GetProperty("code").GetString());
        Assert.Equal(["mallory_b"], Users(await AnswerAsync(alice, new { type = "block", user = "MALLORY_B" }, "blocks")));
        Assert.Equal(["mallory_b"], Users(await alicePhone.ExpectAsync("blocks")));

        var dm = await AnswerAsync(mallory, new { type = "dm", user = "alice_b" }, "error");
        Assert.Equal(("forbidden", "alice_b"), (dm.GetProperty("code").GetString(), dm.GetProperty("ref").GetString()));
        await mallory.SendAsync(new { type = "create", room = "mallorys_den", @private = true });
        await mallory.ExpectSkippingAsync("joined", "rooms", "room");
        var invite = await AnswerAsync(mallory, new { type = "invite", room = "mallorys_den", user = "alice_b" }, "error");
        Assert.Equal(("forbidden", "alice_b"), (invite.GetProperty("code").GetString(), invite.GetProperty("ref").GetString()));

        // A device that connects later asks and hears the same list; unblocked, the conversation opens.
        await using var laptop = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.LoginAsync("Alice_b"));
        await laptop.ExpectAsync("welcome");
        Assert.Equal(["mallory_b"], Users(await AnswerAsync(laptop, new { type = "blocks" }, "blocks")));
        Assert.Empty(Users(await AnswerAsync(laptop, new { type = "unblock", user = "mallory_b" }, "blocks")));
        Assert.Empty(Users(await alice.ExpectSkippingAsync("blocks", "rooms", "room")));
        Assert.Equal("dm:alice_b:mallory_b", (await AnswerAsync(mallory, new { type = "dm", user = "alice_b" }, "joined")).GetProperty("room").GetString());
    }
}
