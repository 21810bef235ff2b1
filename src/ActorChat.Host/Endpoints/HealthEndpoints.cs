using ActorChat.Storage;
using Akka.Actor;
using Akka.Cluster;

namespace ActorChat.Host.Endpoints;

/// <summary>
/// Probes for load balancers and supervisors: <c>/healthz</c> (the node is alive and still a member of its cluster)
/// and <c>/readyz</c> (it can serve chat).
/// </summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Healthy);
        app.MapGet("/readyz", ReadyAsync);
    }

    // A node that is shutting down, or that the cluster downed, is on its way out: its supervisor should replace it.
    private static IResult Healthy(ActorSystem system)
    {
        var shuttingDown = CoordinatedShutdown.Get(system).ShutdownReason is not null;
        var status = Cluster.Get(system).SelfMember.Status;
        return shuttingDown || status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed
            ? Results.Text(shuttingDown ? "shutting down" : status.ToString().ToLowerInvariant(), statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok");
    }

    /// <summary>
    /// Ready when the node is an Up member and its storage takes writes. Storage is judged by the journal's own
    /// writes: one waiting longer than <see cref="StorageHealth.StallAfter"/> or failed just now makes the node
    /// unready. Only when the journal has not written lately does readiness write a probe row itself (on SQLite a
    /// probe would otherwise compete for the lock the journal needs).
    /// </summary>
    private static async Task<IResult> ReadyAsync(ActorSystem system, StorageSettings storage, CancellationToken cancellationToken)
    {
        var member = Cluster.Get(system).SelfMember.Status;
        var health = StorageHealth.Get(system);
        var (storageState, storageReady) = health.Assess() switch
        {
            StorageState.Writing => ("reachable", true),
            StorageState.Stalled => ("stalled", false),
            StorageState.Failing => ("failing", false),
            _ => await ProbeAsync(),
        };
        var body = new { cluster = member.ToString().ToLowerInvariant(), storage = storageState };
        return Results.Json(body, statusCode: member == MemberStatus.Up && storageReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);

        async Task<(string, bool)> ProbeAsync()
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            var written = await storage.ProbeWriteAsync(Cluster.Get(system).SelfAddress.ToString(), timeout.Token);
            health.Ended(null, written);
            return written ? ("reachable", true) : ("unreachable", false);
        }
    }
}
