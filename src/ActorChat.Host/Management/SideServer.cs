using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ActorChat.Host.Management;

/// <summary>
/// A Kestrel listener of its own beside the public one, for what is not the chat's: being a separate server, not a
/// route on the public one, nothing a client sends to the public address (a forged Host header included) reaches it,
/// and nothing of the chat is served on it.
/// </summary>
public sealed class SideServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SideServer(WebApplication app, IReadOnlyList<string> addresses) => (_app, Addresses) = (app, addresses);

    /// <summary>The addresses it listens on, with the real port where port 0 was asked for.</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>Starts a server on <paramref name="urls"/> with the routes <paramref name="map"/> adds.</summary>
    /// <exception cref="IOException">An address cannot be bound (a port in use, say).</exception>
    public static async Task<SideServer> StartAsync(IEnumerable<string> urls, ILoggerFactory loggers, Action<WebApplication> map,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls([.. urls]);
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<ILoggerFactory>(new WithoutHostLogs(loggers));
        // The chat application's host owns the process's lifetime (signals, Ctrl+C); this server only follows it.
        builder.Services.AddSingleton<IHostLifetime, FollowerLifetime>();
        var app = builder.Build();
        map(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new SideServer(app, [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses]);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _app.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    // The server logs its start and its failure to start itself; the generic host's own lines about it ("Now
    // listening on", "Hosting failed to start") would read as if they were about the chat application.
    private sealed class WithoutHostLogs(ILoggerFactory loggers) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) =>
            categoryName.StartsWith("Microsoft.Extensions.Hosting", StringComparison.Ordinal) || categoryName.StartsWith("Microsoft.Hosting", StringComparison.Ordinal)
                ? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance
                : loggers.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider) => loggers.AddProvider(provider);

        // The chat application owns the factory.
        public void Dispose()
        {
        }
    }

    private sealed class FollowerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
