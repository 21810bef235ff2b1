using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>Sent, received and read over real sockets: the sender hears each in turn.</summary>
public sealed class ReceiptTests : ServerTest
{
    [Fact]
    public async Task A_sender_sees_sent_then_received_by_the_others_devices_then_read()
    {
        await using var alice = await Server.ConnectAsync("alice");
        await using var bob = await Server.ConnectAsync("bob");
        await alice.JoinAsync("porch");
        await bob.JoinAsync("porch");
        await alice.ExpectAsync("presence");

        await alice.SendAsync(new { type = "send", room = "porch", id = "a1", text = "are you there?" });
        Assert.Equal(1, (await alice.ExpectAsync("ack")).GetProperty("seq").GetInt64());
        await bob.ExpectAsync("message");
        await bob.SendAsync(new { type = "received", room = "porch", seq = 1 });

        var received = await alice.ExpectAsync("received");
        Assert.Equal(("porch", 1L, 1), (received.GetProperty("room").GetString(), received.GetProperty("seq").GetInt64(), received.GetProperty("count").GetInt32()));
        Assert.Equal("bob", received.GetProperty("users")[0].GetString());
        await bob.SendAsync(new { type = "read", room = "porch", seq = 1 });
        Assert.Equal("bob", (await alice.ExpectAsync("read")).GetProperty("user").GetString());
        // Receipts are for the sender: bob hears nothing of his own.
        await bob.ExpectNothingPendingAsync();

        await bob.SendAsync(new { type = "received", room = "elsewhere", seq = 1 });
        Assert.Equal("not_joined", (await bob.ExpectAsync("error")).GetProperty("code").GetString());
    }
}
