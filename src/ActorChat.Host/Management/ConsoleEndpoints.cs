using System.Reflection;
using Akka.Actor;

namespace ActorChat.Host.Management;

/// <summary>
/// The operator console on the management listener: its page at <c>GET /</c>, the page's scripts and styles beside
/// it (embedded in this assembly), and <c>GET /console/stats</c>, the figures the page polls.
/// </summary>
public static class ConsoleEndpoints
{
    /// <summary>The console's own files and requests only: no inline script or style, nothing from elsewhere, no frame around it.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    // The page asks again 1.5 s after each answer; a member that has not answered by then shows as not answering.
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(1.5);

    private const string ResourcePrefix = "console/";

    /// <param name="app">The management listener's routes.</param>
    /// <param name="chat">The chat application's services: its actor system.</param>
    public static void MapOperatorConsole(this IEndpointRouteBuilder app, IServiceProvider chat)
    {
        var assembly = typeof(ConsoleEndpoints).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var file = resource[ResourcePrefix.Length..];
            var bytes = Read(assembly, resource);
            var contentType = ContentType(file);
            app.MapGet(file == "index.html" ? "/" : "/" + file, (HttpResponse response) =>
            {
                Secure(response, "no-cache");
                return Results.Bytes(bytes, contentType);
            });
        }
        app.MapGet("/console/stats", async (HttpResponse response, CancellationToken cancellationToken) =>
        {
            Secure(response, "no-store");
            return Results.Json(await ConsoleStats.GatherAsync(chat.GetRequiredService<ActorSystem>(), AnswerTimeout, cancellationToken));
        });
    }

    private static void Secure(HttpResponse response, string cacheControl)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = cacheControl;
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
