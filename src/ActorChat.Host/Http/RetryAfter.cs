using System.Globalization;

namespace ActorChat.Host.Http;

/// <summary>The one way the server tells a refused client when to try again.</summary>
public static class RetryAfter
{
    /// <summary>Sets <c>Retry-After</c> to <paramref name="wait"/> in whole seconds, rounded up, and at least one.</summary>
    public static void SetRetryAfter(this HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1L, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
