namespace ActorChat.Host.Management;

/// <summary>Serves the management endpoints on a listener of their own (<see cref="SideServer"/>), at <see cref="ManagementSettings.Urls"/>.</summary>
public sealed class ManagementServer(ManagementSettings settings, IServiceProvider chat, ILoggerFactory loggers)
    : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger<ManagementServer>();
    private SideServer? _server;

    /// <summary>The addresses it listens on once started (with the real port where port 0 was configured); empty when off.</summary>
    public IReadOnlyList<string> Addresses => _server?.Addresses ?? [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled)
            return;
        try
        {
            _server = await SideServer.StartAsync(settings.Addresses, loggers, app => app.MapManagementEndpoints(chat), cancellationToken);
        }
        catch (IOException e)
        {
            // Several nodes on one machine all default to the same port: the first serves it, the others carry on without.
            _logger.LogWarning("The management endpoint cannot listen on {Urls}, so this node serves no metrics: {Reason} Set {Setting} to a free port, or to empty to turn it off.",
                settings.Urls, e.Message, $"{ManagementSettings.Section}:{nameof(ManagementSettings.Urls)}");
            return;
        }
        _logger.LogInformation("Management endpoint (operator console at /, /metrics, /cluster, /rooms/{{room}}/node) listening on {Addresses}", string.Join(", ", Addresses));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
            await _server.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        _server = null;
    }
}
