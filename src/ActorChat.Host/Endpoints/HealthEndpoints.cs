using ActorChat.Storage;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorChat.Host.Endpoints;

/// <summary>
/// Probes for load balancers and supervisors, on ASP.NET Core's health checks: <c>/healthz</c> runs the checks
/// tagged <see cref="Live"/> (the node is alive and still a member of its cluster) and answers <c>ok</c> or why
/// not; <c>/readyz</c> runs those tagged <see cref="Ready"/> (it can serve chat) and answers the cluster's and the
/// storage's state as JSON. Unhealthy is 503, as a probe expects.
/// </summary>
public static class HealthEndpoints
{
    public const string Live = "live";
    public const string Ready = "ready";

    public static IServiceCollection AddChatHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<MembershipCheck>("membership", tags: [Live])
            .AddCheck<ReadinessCheck>("readiness", tags: [Ready]);
        return services;
    }

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Live),
            ResponseWriter = (context, report) =>
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                var failed = report.Entries.Values.FirstOrDefault(entry => entry.Status != HealthStatus.Healthy);
                return context.Response.WriteAsync(failed.Description ?? "ok", context.RequestAborted);
            },
        });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(
                report.Entries.Values.SelectMany(entry => entry.Data).ToDictionary(item => item.Key, item => item.Value), context.RequestAborted),
        });
    }

    // A node that is shutting down, or that the cluster downed, is on its way out: its supervisor should replace it.
    // Until a node has joined, the cluster names its own status Removed: that is a node starting, alive, and only a
    // cluster extension that has stopped means a node removed for good.
    private sealed class MembershipCheck(ActorSystem system) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var shuttingDown = CoordinatedShutdown.Get(system).ShutdownReason is not null;
            var cluster = Cluster.Get(system);
            var status = cluster.SelfMember.Status;
            var gone = status is MemberStatus.Down or MemberStatus.Exiting || (status == MemberStatus.Removed && cluster.IsTerminated);
            return Task.FromResult(shuttingDown ? HealthCheckResult.Unhealthy("shutting down")
                : gone ? HealthCheckResult.Unhealthy(status.ToString().ToLowerInvariant())
                : HealthCheckResult.Healthy("ok"));
        }
    }

    /// <summary>
    /// Ready when the node is an Up member and its storage takes writes. Storage is judged by the journal's own
    /// writes: one waiting longer than <see cref="StorageHealth.StallAfter"/> or failed just now makes the node
    /// unready. Only when the journal has not written lately does readiness write a probe row itself (on SQLite a
    /// probe would otherwise compete for the lock the journal needs).
    /// </summary>
    private sealed class ReadinessCheck(ActorSystem system, StorageSettings storage) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var member = Cluster.Get(system).SelfMember.Status;
            var health = StorageHealth.Get(system);
            var (storageState, storageReady) = health.Assess() switch
            {
                StorageState.Writing => ("reachable", true),
                StorageState.Stalled => ("stalled", false),
                StorageState.Failing => ("failing", false),
                _ => await ProbeAsync(health, cancellationToken),
            };
            var data = new Dictionary<string, object> { ["cluster"] = member.ToString().ToLowerInvariant(), ["storage"] = storageState };
            return member == MemberStatus.Up && storageReady ? HealthCheckResult.Healthy(data: data) : HealthCheckResult.Unhealthy(data: data);
        }

        private async Task<(string, bool)> ProbeAsync(StorageHealth health, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            var written = await storage.ProbeWriteAsync(Cluster.Get(system).SelfAddress.ToString(), timeout.Token);
            health.Ended(null, written);
            return written ? ("reachable", true) : ("unreachable", false);
        }
    }
}
