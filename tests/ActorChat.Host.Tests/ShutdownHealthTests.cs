using System.Net;
using ActorChat.Testing;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;

namespace ActorChat.Host.Tests;

public sealed class ShutdownHealthTests
{
    [Fact]
    public async Task A_node_that_the_cluster_downed_fails_its_health_check_while_it_shuts_down()
    {
        await using var server = await ChatServer.StartAsync();
        var system = server.Services.GetRequiredService<ActorSystem>();
        var shutdown = CoordinatedShutdown.Get(system);
        // Holds the shutdown before the node stops listening, so the health check can be asked in between.
        var looked = new TaskCompletionSource<Akka.Done>(TaskCreationOptions.RunContinuationsAsynchronously);
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "let-the-test-look", () => looked.Task);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/healthz")).StatusCode);

        var stopping = shutdown.Run(CoordinatedShutdown.ClusterDowningReason.Instance);
        var health = await server.Http.GetAsync("/healthz");
        looked.SetResult(Akka.Done.Instance);
        await stopping;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("shutting down", await health.Content.ReadAsStringAsync());
    }
}
