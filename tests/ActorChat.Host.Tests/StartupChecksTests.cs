using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class StartupChecksTests
{
    [Fact]
    public async Task A_server_whose_joins_could_outgrow_the_remote_frame_limit_refuses_to_start()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ChatServer.StartAsync(null, "ActorChat:Connections:MaxUnackedSends=5000"));

        Assert.Contains("MaxUnackedSends", refused.ToString(), StringComparison.Ordinal);
    }
}
