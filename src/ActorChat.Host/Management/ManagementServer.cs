using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ActorChat.Host.Management;

/// <summary>
/// Serves the management endpoints on a Kestrel listener of their own, at <see cref="ManagementSettings.Urls"/>.
/// Being a separate server, not a route on the public one, nothing a client sends to the public address (a forged
/// Host header included) reaches it, and nothing of the chat is served on it.
/// </summary>
public sealed class ManagementServer(ManagementSettings settings, IServiceProvider chat, ILoggerFactory loggers)
    : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger<ManagementServer>();
    private WebApplication? _app;

    /// <summary>The addresses it listens on once started (with the real port where port 0 was configured); empty when off.</summary>
    public IReadOnlyList<string> Addresses { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled)
            return;

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls([.. settings.Addresses]);
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<ILoggerFactory>(new WithoutHostLogs(loggers));
        // The chat application's host owns the process's lifetime (signals, Ctrl+C); this server only follows it.
        builder.Services.AddSingleton<IHostLifetime, FollowerLifetime>();
        var app = builder.Build();
        app.MapManagementEndpoints(chat);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            // Several nodes on one machine all default to the same port: the first serves it, the others carry on without.
            _logger.LogWarning("The management endpoint cannot listen on {Urls}, so this node serves no metrics: {Reason} Set {Setting} to a free port, or to empty to turn it off.",
                settings.Urls, e.Message, $"{ManagementSettings.Section}:{nameof(ManagementSettings.Urls)}");
            await app.DisposeAsync();
            return;
        }
        _app = app;
        Addresses = [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses];
        _logger.LogInformation("Management endpoint (/metrics, /rooms/{{room}}/node) listening on {Addresses}", string.Join(", ", Addresses));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
            await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
        _app = null;
    }

    // This server logs its start and its failure to start itself; the generic host's own lines about it ("Now
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
