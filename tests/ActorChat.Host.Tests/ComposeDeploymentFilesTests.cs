using System.Text.RegularExpressions;
using ActorChat.Host.Attachments;
using ActorChat.Hosting;
using YamlDotNet.RepresentationModel;

namespace ActorChat.Host.Tests;

/// <summary>deploy/compose.yaml and deploy/nginx.conf against the app and the image: see <see cref="DeploymentFilesTests"/>.</summary>
public sealed partial class ComposeDeploymentFilesTests
{
    private static readonly YamlMappingNode Compose = DeploymentFiles.Compose();
    private static readonly List<EnvVar> Image = DeploymentFiles.Dockerfile().Runtime.Environment().ToList();
    private static readonly List<(string Name, YamlNode Service)> Nodes = DeploymentFiles.ComposeNodes(Compose).ToList();
    private static readonly YamlNode Nginx = ServiceOf("nginx").Value;

    [Fact]
    public void The_nodes_find_each_other_by_a_list_of_every_node_bootstrap_endpoint_and_name_no_seed()
    {
        Assert.True(Nodes.Count >= 3, $"{Nodes.Count} nodes");
        foreach (var (name, service) in Nodes)
        {
            var environment = EnvironmentOf(service);
            var bootstrapPort = DeploymentSettings.Int(environment, "ActorChat__Cluster__BootstrapPort", new ClusterSettings().BootstrapPort);
            var endpoints = environment.Where(v => v.Name.StartsWith("ActorChat__Cluster__DiscoveryEndpoints__", StringComparison.Ordinal)).Select(v => v.Value!).ToHashSet();

            Assert.Equal(nameof(ClusterDiscovery.Config), DeploymentSettings.Literal(environment, "ActorChat__Cluster__Discovery"));
            Assert.Equal(Nodes.Select(node => $"{node.Name}:{bootstrapPort}").ToHashSet(), endpoints);
            Assert.Equal(name, DeploymentSettings.Literal(environment, "ActorChat__Cluster__PublicHostname"));
            Assert.Equal("0.0.0.0", DeploymentSettings.Literal(environment, "ActorChat__Cluster__Hostname"));
            Assert.DoesNotContain(environment, v => v.Name.StartsWith("ActorChat__Cluster__SeedNodes", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_nodes_share_the_database_and_take_every_secret_from_the_environment()
    {
        var database = ServiceOf("postgres");
        foreach (var (_, service) in Nodes)
        {
            var environment = EnvironmentOf(service);
            var connection = DeploymentSettings.Literal(environment, "ActorChat__Storage__ConnectionString") ?? "";

            Assert.Equal("PostgreSql", DeploymentSettings.Literal(environment, "ActorChat__Storage__Provider"));
            Assert.Contains($"Host={database.Key};", connection, StringComparison.Ordinal);
            Assert.Matches(@"Password=\$\{", connection);
            Assert.Matches(@"^\$\{[A-Z_]+:\?", DeploymentSettings.Literal(environment, "ActorChat__Auth__SigningKey") ?? "");
            Assert.Contains(database.Key, service.Entries("depends_on").Select(entry => entry.Key));
            // Any other secret too: filled in by compose from the environment, never written here.
            Assert.DoesNotContain(environment, v => DeploymentSettings.LooksSecret(v.Name) && v.Name != "ActorChat__Storage__ConnectionString"
                && v.Value?.StartsWith("${", StringComparison.Ordinal) == false);
        }
    }

    [Fact]
    public void Each_node_is_checked_on_readyz_at_its_http_port_and_trusts_the_forwarded_headers_of_nginx_alone()
    {
        var nginxAddress = Nginx.Entries("networks").Select(network => network.Value.Text("ipv4_address")).OfType<string>().Single();
        var httpPort = new Uri(DeploymentSettings.Literal(Image, "Urls")!).Port;
        foreach (var (name, service) in Nodes)
        {
            var check = string.Join(" ", service.Items("healthcheck", "test").Select(item => ((YamlScalarNode)item).Value));
            var environment = EnvironmentOf(service);

            Assert.Contains($"/dev/tcp/127.0.0.1/{httpPort}", check, StringComparison.Ordinal);
            Assert.Contains("GET /readyz ", check, StringComparison.Ordinal);
            Assert.Equal([nginxAddress], environment.Where(v => v.Name.StartsWith("ActorChat__Proxy__TrustedProxies__", StringComparison.Ordinal)).Select(v => v.Value));
            Assert.Equal("service_healthy", Nginx.Text("depends_on", name, "condition"));
        }
    }

    [Fact]
    public void Nginx_passes_websocket_upgrades_to_every_node_and_takes_a_photo_as_large_as_the_app_does()
    {
        var mounted = Nginx.Items("volumes").Select(volume => ((YamlScalarNode)volume).Value!.Split(':')).Single(parts => parts[1] == "/etc/nginx/nginx.conf")[0];
        var config = DeploymentFiles.Read(Path.Combine("deploy", mounted));
        var httpPort = new Uri(DeploymentSettings.Literal(Image, "Urls")!).Port;
        var upstreams = UpstreamServer().Matches(config).Select(match => match.Groups["address"].Value).ToHashSet();
        var bodyLimit = BodyLimit().Match(config);

        Assert.Equal(Nodes.Select(node => $"{node.Name}:{httpPort}").ToHashSet(), upstreams);
        Assert.Contains("proxy_set_header Upgrade $http_upgrade;", config, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header Connection $connection_upgrade;", config, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;", config, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header X-Forwarded-Proto $scheme;", config, StringComparison.Ordinal);
        Assert.True(bodyLimit.Success, "no client_max_body_size: nginx's 1 MiB would refuse most photos");
        Assert.True(long.Parse(bodyLimit.Groups["mib"].Value, System.Globalization.CultureInfo.InvariantCulture) * 1024 * 1024 > new AttachmentSettings().MaxBytes);
    }

    /// <summary>A node's environment: the image's, then the service's own.</summary>
    private static List<EnvVar> EnvironmentOf(YamlNode service) => [.. Image, .. DeploymentFiles.ComposeEnvironment(service)];

    /// <summary>The one service that runs an image named <paramref name="image"/>.</summary>
    private static (string Key, YamlNode Value) ServiceOf(string image) =>
        Compose.Entries("services").Single(service => service.Value.Text("image")?.StartsWith(image, StringComparison.Ordinal) == true);

    [GeneratedRegex(@"^\s*server\s+(?<address>[\w.-]+:\d+)", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"client_max_body_size\s+(?<mib>\d+)m;")]
    private static partial Regex BodyLimit();
}
