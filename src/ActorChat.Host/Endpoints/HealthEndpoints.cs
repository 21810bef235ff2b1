using ActorChat.Hosting;
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

    private static async Task<IResult> ReadyAsync(ActorSystem system, StorageSettings storage, CancellationToken cancellationToken)
    {
        var member = Cluster.Get(system).SelfMember.Status;
        var clusterUp = member == MemberStatus.Up;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        var storageReachable = await storage.IsReachableAsync(timeout.Token);
        var body = new { cluster = member.ToString().ToLowerInvariant(), storage = storageReachable ? "reachable" : "unreachable" };
        return Results.Json(body, statusCode: clusterUp && storageReachable ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
