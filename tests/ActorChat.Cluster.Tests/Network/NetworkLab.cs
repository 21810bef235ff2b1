using System.Diagnostics;
using System.Globalization;

namespace ActorChat.Cluster.Tests.Network;

/// <summary>
/// Hosts of the tests' own on this machine: one network namespace per node, each with its own address on a bridge in
/// the root namespace (which holds the bridge's address, PostgreSQL, nginx and the test). Faults are made inside a
/// node's namespace with iptables, so they touch nothing but the lab. Everything it makes is named with one prefix
/// and removed on dispose, and whatever a crashed run left behind is removed before a new lab is made.
/// </summary>
public sealed class NetworkLab : IAsyncDisposable
{
    private const string Prefix = "aclab";
    private const string Subnet = "10.213.77";
    private readonly int _nodes;

    private NetworkLab(int nodes) => _nodes = nodes;

    /// <summary>The root namespace's address on the bridge: where the nodes reach PostgreSQL.</summary>
    public static string RootAddress => $"{Subnet}.1";

    /// <summary>The subnet the lab's addresses are in, for PostgreSQL's host-based access rule.</summary>
    public static string Network => $"{Subnet}.0/24";

    private static string Bridge => $"{Prefix}br";

    /// <summary>Node <paramref name="node"/>'s address (nodes count from 1).</summary>
    public static string AddressOf(int node) => $"{Subnet}.{10 + node}";

    /// <summary>The namespace node <paramref name="node"/> runs in.</summary>
    public static string NamespaceOf(int node) => $"{Prefix}{node}";

    public static async Task<NetworkLab> CreateAsync(int nodes)
    {
        if (!string.Equals(Environment.UserName, "root", StringComparison.Ordinal))
            throw new InvalidOperationException("The network fault tests make network namespaces and iptables rules, which needs root: run scripts/test.sh as root.");
        await RemoveLeftoversAsync();
        var lab = new NetworkLab(nodes);
        try
        {
            await RunAsync("ip", "link", "add", Bridge, "type", "bridge");
            await RunAsync("ip", "addr", "add", $"{RootAddress}/24", "dev", Bridge);
            await RunAsync("ip", "link", "set", Bridge, "up");
            for (var node = 1; node <= nodes; node++)
            {
                var ns = NamespaceOf(node);
                var outside = $"{Prefix}v{node}";
                await RunAsync("ip", "netns", "add", ns);
                await RunAsync("ip", "link", "add", outside, "type", "veth", "peer", "name", $"{Prefix}p{node}");
                await RunAsync("ip", "link", "set", $"{Prefix}p{node}", "netns", ns);
                await RunAsync("ip", "link", "set", outside, "master", Bridge);
                await RunAsync("ip", "link", "set", outside, "up");
                await InAsync(node, "ip", "link", "set", "lo", "up");
                await InAsync(node, "ip", "link", "set", $"{Prefix}p{node}", "name", "eth0");
                await InAsync(node, "ip", "addr", "add", $"{AddressOf(node)}/24", "dev", "eth0");
                await InAsync(node, "ip", "link", "set", "eth0", "up");
            }
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
        return lab;
    }

    /// <summary>The command that runs a program inside node <paramref name="node"/>'s namespace.</summary>
    public static IReadOnlyList<string> Launcher(int node) => ["ip", "netns", "exec", NamespaceOf(node)];

    /// <summary>Cuts node <paramref name="node"/> off from the other nodes, both ways; the root namespace still reaches it.</summary>
    public async Task IsolateAsync(int node)
    {
        foreach (var other in Others(node))
        {
            await InAsync(node, "iptables", "-A", "INPUT", "-s", AddressOf(other), "-j", "DROP");
            await InAsync(node, "iptables", "-A", "OUTPUT", "-d", AddressOf(other), "-j", "DROP");
        }
    }

    /// <summary>
    /// Drops each TCP packet node <paramref name="node"/> sends from or to one of <paramref name="ports"/> (its
    /// node-to-node port and the proxies' ports) with the given probability: loss between nodes, none for clients.
    /// </summary>
    public static Task LoseAsync(int node, double probability, IEnumerable<int> ports) =>
        InAsync(node, "iptables", "-A", "OUTPUT", "-p", "tcp", "-m", "multiport", "--ports", string.Join(',', ports), "-m", "statistic",
            "--mode", "random", "--probability", probability.ToString(CultureInfo.InvariantCulture), "-j", "DROP");

    /// <summary>
    /// Sends node <paramref name="node"/>'s connections to <paramref name="to"/>'s node-to-node port through a proxy
    /// of the root namespace instead, by rewriting their destination in <paramref name="node"/>'s namespace.
    /// </summary>
    public static Task RouteThroughAsync(int node, int to, int port, int proxyPort) =>
        InAsync(node, "iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-d", AddressOf(to), "--dport", port.ToString(CultureInfo.InvariantCulture),
            "-j", "DNAT", "--to-destination", $"{RootAddress}:{proxyPort.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// Takes every cut and loss out of node <paramref name="node"/>'s namespace. Routes through proxies stay: taking
    /// the last address rewrite away would stop the kernel translating the connections already made through them.
    /// </summary>
    public static Task HealAsync(int node) => InAsync(node, "iptables", "-F");

    private IEnumerable<int> Others(int node) => Enumerable.Range(1, _nodes).Where(other => other != node);

    public async ValueTask DisposeAsync() => await RemoveLeftoversAsync();

    // The root ends of the veth pairs go first (deleting one end deletes the pair: the kernel frees a deleted
    // namespace's devices only later), then the namespaces, then the bridge.
    private static async Task RemoveLeftoversAsync()
    {
        var links = (await OutputOfAsync("ip", "-o", "link", "show")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 3)[1].Trim().Split('@')[0])
            .Where(name => name.StartsWith(Prefix + "v", StringComparison.Ordinal));
        foreach (var link in links)
            await RunAsync("ip", "link", "delete", link);
        var namespaces = (await OutputOfAsync("ip", "netns", "list")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[0])
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal));
        foreach (var ns in namespaces)
            await RunAsync("ip", "netns", "delete", ns);
        if ((await OutputOfAsync("ip", "-o", "link", "show")).Contains($" {Bridge}:", StringComparison.Ordinal))
            await RunAsync("ip", "link", "delete", Bridge);
    }

    private static Task InAsync(int node, params string[] command) => RunAsync([.. Launcher(node), .. command]);

    private static async Task RunAsync(params string[] command) => await OutputOfAsync(command);

    private static async Task<string> OutputOfAsync(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', command)} failed ({process.ExitCode}): {await output}{await errors}");
        return await output;
    }
}
