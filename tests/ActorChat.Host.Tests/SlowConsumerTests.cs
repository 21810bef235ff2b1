using System.Net.WebSockets;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class SlowConsumerTests
{
    [Fact]
    public async Task A_client_that_stops_reading_is_closed_with_1013_and_the_room_carries_on_for_the_others()
    {
        await using var server = await ChatServer.StartAsync(null,
            "ActorChat:Connections:OutboxFrames=256", "ActorChat:Connections:FrameBurst=100000",
            // A firehose on purpose: the inbound byte budget would pace the writer, not the reader.
            "ActorChat:Connections:InboundBytesPerSecond=1000000000");
        await using var writer = await server.ConnectAsync("fast_writer");
        await using var sleeper = await server.ConnectAsync("sleepy_reader");
        await writer.JoinAsync("firehose");
        await sleeper.JoinAsync("firehose");
        await writer.ExpectAsync("presence");

        // The sleeper reads nothing from here on; the kernel's socket buffers fill, then its outbox does.
        var text = new string('z', 4000);
        var sent = 0;
        await Eventually.True(async () =>
        {
            for (var i = 0; i < 100; i++)
                await writer.SendAsync(new { type = "send", room = "firehose", id = $"f{++sent}", text });
            return await AcksSeeingLeaveAsync(writer, 100) | await PresenceLeavePendingAsync(writer);
        }, () => $"the sleeper is dropped (after {sent} messages)", TimeSpan.FromMinutes(2), TimeSpan.Zero);

        // Awake again (within the server's grace for a close handshake), it reads what was queued, then the reason.
        Assert.Equal((WebSocketCloseStatus)1013, await sleeper.ExpectClosedAsync());
        await writer.SendAsync(new { type = "send", room = "firehose", id = "after", text = "still flowing" });
        Assert.Equal(sent + 1, (await writer.ExpectAsync("ack")).GetProperty("seq").GetInt64());
    }

    /// <summary>Reads <paramref name="count"/> acks; true when a presence leave came between them.</summary>
    private static async Task<bool> AcksSeeingLeaveAsync(ChatClient writer, int count)
    {
        var left = false;
        while (count > 0)
        {
            var frame = await writer.ReceiveAsync() ?? throw new InvalidOperationException("writer was closed");
            if (frame.GetProperty("type").GetString() == "presence")
                left |= frame.GetProperty("event").GetString() == "leave";
            else
            {
                Assert.Equal("ack", frame.GetProperty("type").GetString());
                count--;
            }
        }
        return left;
    }

    // Presence may arrive after the last ack of a batch: a ping answered first means nothing is pending.
    private static async Task<bool> PresenceLeavePendingAsync(ChatClient writer)
    {
        await writer.SendAsync(new { type = "ping" });
        while (true)
        {
            var frame = await writer.ReceiveAsync() ?? throw new InvalidOperationException("writer was closed");
            var type = frame.GetProperty("type").GetString();
            if (type == "pong")
                return false;
            if (type == "presence" && frame.GetProperty("event").GetString() == "leave")
            {
                await writer.ExpectAsync("pong");
                return true;
            }
        }
    }
}
