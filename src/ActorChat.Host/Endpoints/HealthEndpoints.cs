using ActorChat.Hosting;
using Akka.Actor;
using Akka.Cluster;

namespace ActorChat.Host.Endpoints;

/// <summary>Probes for load balancers: <c>/healthz</c> (the process answers) and <c>/readyz</c> (it can serve chat).</summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", ReadyAsync);
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
