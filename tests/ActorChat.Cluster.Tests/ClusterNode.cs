using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorChat.Testing;

namespace ActorChat.Cluster.Tests;

/// <summary>One ActorChat node as its own operating-system process, on loopback ports of its own.</summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ClusterNode(Process process, string host, int httpPort, int akkaPort, int managementPort, string scheme)
    {
        Host = host;
        Scheme = scheme;
        _process = process;
        HttpPort = httpPort;
        AkkaPort = akkaPort;
        ManagementPort = managementPort;
        Http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        process.OutputDataReceived += (_, line) => Record(line.Data);
        process.ErrorDataReceived += (_, line) => Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The address the node binds and is reached at: loopback, or its network namespace's address.</summary>
    public string Host { get; }

    public int HttpPort { get; }

    public int AkkaPort { get; }

    /// <summary>The node's own management listener (<c>/metrics</c>, <c>/cluster</c>, <c>/rooms/{room}/node</c>), on loopback.</summary>
    public int ManagementPort { get; }

    public Uri ManagementAddress => new($"http://{Host}:{ManagementPort}");

    public Uri Address => new($"http://{Host}:{HttpPort}");

    public Uri SocketAddress => new($"ws://{Host}:{HttpPort}/ws");

    /// <summary><c>akka.tcp</c>, or <c>akka.ssl.tcp</c> for a node with node-to-node TLS.</summary>
    public string Scheme { get; }

    public string AkkaAddress => $"{Scheme}://actorchat@{Host}:{AkkaPort}";

    public HttpClient Http { get; }

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>The end of <see cref="Output"/>, enough to see why a node failed without copying a flood of log lines.</summary>
    public string OutputTail
    {
        get
        {
            lock (_output)
                return _output.Length > 16_000 ? _output.ToString(_output.Length - 16_000, 16_000) : _output.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts a node that joins the cluster through <paramref name="seeds"/> (its own address when it is the first).</summary>
    /// <param name="settings">More settings for the node, as <c>Key=Value</c> (e.g. a failover profile).</param>
    /// <param name="waitUntilReady">False for a node that is expected never to join (it is refused by the others).</param>
    /// <param name="hostBinary">The host to run; by default the one built beside these tests (another version's, say).</param>
    public static Task<ClusterNode> StartAsync(string database, string signingKey, IReadOnlyList<string>? seeds = null,
        IReadOnlyList<string>? settings = null, bool waitUntilReady = true, string? hostBinary = null)
    {
        var akkaPort = FreePort();
        var scheme = settings?.Any(setting => setting.StartsWith("ActorChat:Cluster:TlsCertificatePath=", StringComparison.Ordinal)) == true
            ? "akka.ssl.tcp" : "akka.tcp";
        var seedList = seeds is { Count: > 0 } ? seeds : [$"{scheme}://actorchat@127.0.0.1:{akkaPort}"];
        var formation = seedList.Select((seed, i) => $"ActorChat:Cluster:SeedNodes:{i}={seed}");
        return StartAsync(database, signingKey, Loopback(akkaPort, hostBinary), scheme, [.. formation, .. settings ?? []], waitUntilReady);
    }

    /// <summary>Where and how a node process runs: its address, its ports, and the command that runs it there.</summary>
    private sealed record Placement(string Host, int HttpPort, int AkkaPort, int ManagementPort, IReadOnlyList<string> Launcher, string HostBinary);

    private static Placement Loopback(int akkaPort, string? hostBinary = null) =>
        new("127.0.0.1", FreePort(), akkaPort, FreePort(), [], hostBinary ?? HostBinary());

    /// <summary>Ports of a node alone in its network namespace: every node can have the same ones.</summary>
    public const int LabHttpPort = 5000, LabAkkaPort = 2551, LabBootstrapPort = 8558, LabManagementPort = 9464;

    /// <summary>
    /// Starts node <paramref name="node"/> of <paramref name="nodes"/> in its own network namespace of the
    /// <see cref="Network.NetworkLab"/>, bound to that namespace's address; the nodes find each other by bootstrap.
    /// </summary>
    public static Task<ClusterNode> StartInLabAsync(int node, int nodes, string database, string signingKey,
        IReadOnlyList<string>? settings = null, bool waitUntilReady = true)
    {
        var host = Network.NetworkLab.AddressOf(node);
        var placement = new Placement(host, LabHttpPort, LabAkkaPort, LabManagementPort, Network.NetworkLab.Launcher(node), HostBinary());
        return StartAsync(database, signingKey, placement, "akka.tcp",
        [
            $"ActorChat:Cluster:Hostname={host}",
            "ActorChat:Cluster:Discovery=Config",
            $"ActorChat:Cluster:BootstrapPort={LabBootstrapPort}",
            .. Enumerable.Range(1, nodes).Select(i => $"ActorChat:Cluster:DiscoveryEndpoints:{i - 1}={Network.NetworkLab.AddressOf(i)}:{LabBootstrapPort}"),
            .. settings ?? [],
        ], waitUntilReady);
    }

    /// <summary>
    /// Starts a node that finds the others by Cluster Bootstrap over a configured list of bootstrap endpoints, with no
    /// seed node named: <paramref name="bootstrapPort"/> is its own, <paramref name="everyBootstrapPort"/> all of them.
    /// </summary>
    public static Task<ClusterNode> StartDiscoveringAsync(string database, string signingKey, int bootstrapPort,
        IReadOnlyList<int> everyBootstrapPort, IReadOnlyList<string>? settings = null, bool waitUntilReady = true) =>
        StartAsync(database, signingKey, Loopback(FreePort()), "akka.tcp",
        [
            "ActorChat:Cluster:Discovery=Config",
            $"ActorChat:Cluster:BootstrapPort={bootstrapPort}",
            .. everyBootstrapPort.Select((port, i) => $"ActorChat:Cluster:DiscoveryEndpoints:{i}=127.0.0.1:{port}"),
            .. settings ?? [],
        ], waitUntilReady);

    private static async Task<ClusterNode> StartAsync(string database, string signingKey, Placement placement, string scheme,
        IReadOnlyList<string> settings, bool waitUntilReady)
    {
        var (host, httpPort, akkaPort, managementPort) = (placement.Host, placement.HttpPort, placement.AkkaPort, placement.ManagementPort);
        var start = new ProcessStartInfo(placement.Launcher.Count > 0 ? placement.Launcher[0] : "dotnet")
        {
            WorkingDirectory = Path.Combine(Path.GetTempPath(), "actorchat-node-" + Guid.NewGuid().ToString("N")[..8]),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Directory.CreateDirectory(start.WorkingDirectory);
        if (placement.Launcher.Count > 0)
        {
            foreach (var argument in placement.Launcher.Skip(1))
                start.ArgumentList.Add(argument);
            start.ArgumentList.Add("dotnet");
        }
        start.ArgumentList.Add(placement.HostBinary);
        start.ArgumentList.Add($"--urls=http://{host}:{httpPort}");
        start.ArgumentList.Add($"--ActorChat:Cluster:Port={akkaPort}");
        start.ArgumentList.Add($"--ActorChat:Management:Urls=http://{host}:{managementPort}");
        start.ArgumentList.Add("--ActorChat:Storage:Provider=PostgreSql");
        start.ArgumentList.Add($"--ActorChat:Storage:ConnectionString={database}");
        start.ArgumentList.Add($"--ActorChat:Auth:SigningKey={signingKey}");
        start.ArgumentList.Add("--ActorChat:Connections:FrameBurst=1000");
        // Every test signs users in on its nodes: hashes at the least cost (a build that predates the setting ignores it).
        start.ArgumentList.Add("--ActorChat:Auth:PasswordHashIterations=1000");
        foreach (var setting in settings)
            start.ArgumentList.Add("--" + setting);
        start.ArgumentList.Add("--Logging:LogLevel:Default=Information");
        start.ArgumentList.Add("--Logging:LogLevel:Microsoft=Warning");
        var node = new ClusterNode(Process.Start(start)!, host, httpPort, akkaPort, managementPort, scheme);
        try
        {
            if (waitUntilReady)
                await node.WaitUntilReadyAsync();
        }
        catch
        {
            // A node that never became ready must not outlive the test that started it.
            await node.DisposeAsync();
            throw;
        }
        return node;
    }

    private Task WaitUntilReadyAsync() =>
        Eventually.True(async () =>
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"node exited with {_process.ExitCode}:\n{OutputTail}");
            try
            {
                return (await Http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false; // not listening yet
            }
        }, () => $"node on {Address} becomes ready:\n{OutputTail}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));

    /// <summary>The operating system kills the process at once (SIGKILL): no hand-off, no goodbye.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Asks the node to stop (SIGTERM), as a service manager or orchestrator would.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Freezes the process (SIGSTOP), as a long garbage collection or an overloaded host would.</summary>
    public void Stall() => Signal("-STOP");

    /// <summary>Lets a frozen process run again (SIGCONT).</summary>
    public void Resume() => Signal("-CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public int ExitCode => _process.ExitCode;

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    private void Record(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    /// <summary>The host built beside these tests, in the same configuration.</summary>
    private static string HostBinary()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var repo = RepositoryRoot;
        var host = Path.Combine(repo, "src", "ActorChat.Host", "bin", configuration, "net10.0", "ActorChat.Host.dll");
        return File.Exists(host) ? host : throw new FileNotFoundException("build the solution first", host);
    }

    /// <summary>The clone these tests were built in.</summary>
    internal static string RepositoryRoot => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    // Every port handed out in this test run: the system may give a port back again once its listener closed, and
    // two ports chosen apart (one node's bootstrap endpoint, another's node-to-node port) must never be the same.
    private static readonly HashSet<int> HandedOut = [];

    internal static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                    return port;
            }
        }
    }
}
