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

public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("ActorChat:Connections:DeliveryHubs=-1", "DeliveryHubs")]
    [InlineData("ActorChat:Storage:GroupCommitInterval=00:00:05", "GroupCommitInterval")]
    [InlineData("ActorChat:Cluster:SeedNodes:0=akka.tcp://actorchat@127.0.0.1:1", "SigningKey")]
    public async Task A_setting_out_of_its_bounds_stops_the_start_and_the_error_names_it(string setting, string named)
    {
        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ChatServer.StartAsync(null, setting));

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }
}
