using System.Diagnostics;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class InboundThrottleTests
{
    [Fact]
    public async Task A_ping_flood_is_read_no_faster_than_the_inbound_budget_and_other_clients_are_served_meanwhile()
    {
        // A budget of 16 KiB a second with a burst of 16 KiB (four 1 KiB frames would be less).
        await using var server = await ChatServer.StartAsync(null,
            "ActorChat:Connections:InboundBytesPerSecond=16384", "ActorChat:Connections:MaxFrameBytes=1024");
        await using var bystander = await server.ConnectAsync("bystander");
        using var flooder = await RawWebSocket.OpenAsync(server, await server.RegisterAndLoginAsync("flooder"));
        Assert.Equal(RawWebSocket.Text, await flooder.ReadOpcodeAsync(CancellationToken.None)); // welcome

        // Pings never reach the chat: the managed WebSocket answers each with a pong. 500 of 131 bytes are 65,500 bytes.
        var ping = RawWebSocket.Frame(RawWebSocket.Ping, new byte[125]);
        const int Pings = 500;
        var clock = Stopwatch.StartNew();
        var flood = Task.Run(async () =>
        {
            for (var i = 0; i < Pings; i++)
                await flooder.Stream.WriteAsync(ping);
        });
        await bystander.ExpectNothingPendingAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var pongs = 0;
        while (pongs < Pings)
        {
            if (await flooder.ReadOpcodeAsync(deadline.Token) == RawWebSocket.Pong)
                pongs++;
        }
        await flood;

        // Every ping was answered, but only as fast as the budget admitted them: (65,500 - 16,384) / 16,384 = 3 s.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2.5), $"500 pings answered within {clock.Elapsed.TotalSeconds:F1} s");
        await bystander.ExpectNothingPendingAsync();
    }
}
