using System.Net.WebSockets;
using System.Text;

using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class BadInputTests() : ServerTest("ActorChat:Connections:MaxFrameBytes=8192")
{
    [Theory]
    [InlineData("{not json", "bad_frame", null)]
    [InlineData("[]", "bad_frame", null)]
    [InlineData("""{"type":"join","room":5}""", "bad_frame", null)]
    [InlineData("""{"type":"shout","room":"a"}""", "unknown_type", null)]
    [InlineData("""{"type":"join","room":"No Spaces"}""", "invalid_room", "No Spaces")]
    [InlineData("""{"type":"send","room":"never-joined","id":"x1","text":"hi"}""", "not_joined", "x1")]
    [InlineData("""{"type":"history","room":"never-joined"}""", "not_joined", "never-joined")]
    [InlineData("""{"type":"leave","room":"never-joined"}""", "not_joined", "never-joined")]
    public async Task A_bad_frame_gets_a_precise_error_and_the_connection_stays_open(string frame, string code, string? reference)
    {
        await using var client = await Server.ConnectAsync("mallory");

        await client.SendTextAsync(frame);

        var error = await client.ExpectAsync("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        if (reference is null)
            Assert.False(error.TryGetProperty("ref", out _));
        else
            Assert.Equal(reference, error.GetProperty("ref").GetString());
        await client.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task Text_over_4000_characters_is_too_large_and_nothing_is_stored()
    {
        await using var client = await Server.ConnectAsync("oscar");
        await client.JoinAsync("limits");

        await client.SendAsync(new { type = "send", room = "limits", id = "big", text = new string('a', 4001) });

        var error = await client.ExpectAsync("error");
        Assert.Equal("too_large", error.GetProperty("code").GetString());
        Assert.Equal("big", error.GetProperty("ref").GetString());
        await client.SendAsync(new { type = "send", room = "limits", id = "ok", text = "fits" });
        Assert.Equal(1, (await client.ExpectAsync("ack")).GetProperty("seq").GetInt64());
    }

    public static TheoryData<byte[], WebSocketMessageType, WebSocketCloseStatus> UnacceptableFrames() => new()
    {
        { Encoding.UTF8.GetBytes("""{"type":"ping"}"""), WebSocketMessageType.Binary, WebSocketCloseStatus.InvalidMessageType },
        { [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d], WebSocketMessageType.Text, WebSocketCloseStatus.InvalidPayloadData },
        { Encoding.UTF8.GetBytes($$"""{"type":"ping","pad":"{{new string('x', 9000)}}"}"""), WebSocketMessageType.Text, WebSocketCloseStatus.MessageTooBig },
    };

    [Theory]
    [MemberData(nameof(UnacceptableFrames))]
    public async Task An_unacceptable_frame_closes_only_that_socket_with_its_code(byte[] payload, WebSocketMessageType type, WebSocketCloseStatus expected)
    {
        await using var bystander = await Server.ConnectAsync("bystander");
        await bystander.JoinAsync("calm");
        await using var offender = await Server.ConnectAsync("offender");
        await offender.JoinAsync("calm");
        await bystander.ExpectAsync("presence");

        await offender.SendRawAsync(payload, type);

        Assert.Equal(expected, await offender.ExpectClosedAsync());
        Assert.Equal("leave", (await bystander.ExpectAsync("presence")).GetProperty("event").GetString());
        await bystander.SendAsync(new { type = "send", room = "calm", id = "still", text = "still here" });
        await bystander.ExpectAsync("ack");
    }

    [Fact]
    public async Task Sending_past_the_rate_limit_is_answered_with_rate_limited()
    {
        await using var server = await ChatServer.StartAsync(null, "ActorChat:Connections:FrameBurst=5", "ActorChat:Connections:FramesPerSecond=0.01");
        await using var client = await server.ConnectAsync("spammer");

        for (var i = 0; i < 6; i++)
            await client.SendAsync(new { type = "ping" });

        for (var i = 0; i < 5; i++)
            await client.ExpectAsync("pong");
        Assert.Equal("rate_limited", (await client.ExpectAsync("error")).GetProperty("code").GetString());
    }
}
