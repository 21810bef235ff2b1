using System.Threading.RateLimiting;
using ActorChat.Host.Http;

namespace ActorChat.Host.Auth;

/// <summary>
/// How many accounts each client address may create per hour (<see cref="AuthSettings.RegistrationsPerHour"/>), on top
/// of the login budget that registering also spends: one address cannot fill the server with accounts.
/// </summary>
public sealed class RegistrationLimiter(int perHour) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perHour,
            Window = TimeSpan.FromHours(1),
        }));

    /// <summary>True when the request's address may register one more account now; otherwise sets <c>Retry-After</c>.</summary>
    public bool TryRegister(HttpContext context)
    {
        using var lease = _limiter.AttemptAcquire(context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        if (lease.IsAcquired)
            return true;
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            context.Response.SetRetryAfter(retryAfter);
        return false;
    }

    public void Dispose() => _limiter.Dispose();
}
