using ActorChat.Hosting;
using Akka.Actor;

namespace ActorChat.Host.Management;

/// <summary>
/// The bootstrap endpoint other nodes probe during Cluster Bootstrap (<c>GET /bootstrap/seed-nodes</c>), on a
/// listener of its own at <see cref="ClusterSettings.Hostname"/>:<see cref="ClusterSettings.BootstrapPort"/>: the
/// node-to-node side, never the public address. Only with a discovery method; with seed nodes there is none.
/// </summary>
public sealed class BootstrapServer(ClusterSettings cluster, ActorSystem system, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger<BootstrapServer>();
    private SideServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (cluster.Discovery == ClusterDiscovery.Seeds)
            return;
        var url = new UriBuilder("http", cluster.Hostname, cluster.BootstrapPort).Uri.ToString().TrimEnd('/');
        try
        {
            _server = await SideServer.StartAsync([url], loggers, app => app.MapGet("/bootstrap/seed-nodes",
                () => Results.Text(ClusterFormation.SeedNodesJson(system), "application/json")), cancellationToken);
        }
        catch (IOException e)
        {
            // Without it the other nodes cannot find this one, nor it them: no point starting half a node.
            throw new InvalidOperationException(
                $"The bootstrap endpoint cannot listen on {url}: {e.Message} Set {ClusterSettings.Section}:{nameof(ClusterSettings.BootstrapPort)} to a free port, the one the other nodes' discovery names for this node.", e);
        }
        _logger.LogInformation("Bootstrap endpoint listening on {Address}, discovering the other nodes by {Method}", url, cluster.Discovery);
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
