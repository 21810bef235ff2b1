using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorChat.Testing;
using Npgsql;

namespace ActorChat.Cluster.Tests.Network;

/// <summary>
/// A cluster of node processes, each in a network namespace of its own (<see cref="NetworkLab"/>), sharing a
/// PostgreSQL in the root namespace, with nginx in front; clients tracked from first frame to audit.
/// </summary>
public sealed partial class LabCluster : IAsyncDisposable
{
    private readonly NetworkLab _lab;
    private readonly PostgresServer _postgres;
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly ClusterNode?[] _nodes;
    private readonly List<ClusterNode> _stopped = [];

    private LabCluster(NetworkLab lab, PostgresServer postgres, int nodes) => (_lab, _postgres, _nodes) = (lab, postgres, new ClusterNode?[nodes + 1]);

    public NetworkLab Lab => _lab;

    public int Size => _nodes.Length - 1;

    /// <summary>The database, as the root namespace reaches it (for audits).</summary>
    public string Database { get; private set; } = "";

    public LabBalancer Balancer { get; private set; } = null!;

    public HttpClient BalancerHttp { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public ClusterNode this[int node] => _nodes[node] ?? throw new InvalidOperationException($"node {node} is not running");

    /// <summary>Makes the lab and the database; <paramref name="beforeNodes"/> runs before any node starts (faults that must see the first connection).</summary>
    public static async Task<LabCluster> StartAsync(int nodes, Func<LabCluster, Task>? beforeNodes = null)
    {
        var lab = await NetworkLab.CreateAsync(nodes);
        var cluster = new LabCluster(lab, PostgresServer.AlsoListeningOn(NetworkLab.RootAddress, NetworkLab.Network), nodes);
        try
        {
            await cluster._postgres.InitializeAsync();
            cluster.Database = await cluster._postgres.CreateDatabaseAsync();
            if (beforeNodes is not null)
                await beforeNodes(cluster);
            await Task.WhenAll(Enumerable.Range(1, nodes).Select(cluster.StartNodeAsync));
            cluster.Balancer = await LabBalancer.StartAsync(Enumerable.Range(1, nodes).Select(node => $"{NetworkLab.AddressOf(node)}:{ClusterNode.LabHttpPort}"));
            cluster.BalancerHttp.BaseAddress = cluster.Balancer.Address;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Starts node <paramref name="node"/> (again, after it stopped: a new incarnation at the same address).</summary>
    public async Task StartNodeAsync(int node)
    {
        if (_nodes[node] is { } previous)
            _stopped.Add(previous);
        var database = new NpgsqlConnectionStringBuilder(Database) { Host = NetworkLab.RootAddress }.ToString();
        _nodes[node] = null;
        _nodes[node] = await ClusterNode.StartInLabAsync(node, Size, database, _key,
            [$"ActorChat:Proxy:TrustedProxies:0={NetworkLab.RootAddress}", "ActorChat:Connections:FrameBurst=1000"]);
    }

    /// <summary>The members node <paramref name="node"/> sees, with their state: (address, status, reachable).</summary>
    public async Task<IReadOnlyList<(string Address, string Status, bool Reachable)>> MembersSeenByAsync(int node)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var view = await http.GetFromJsonAsync<JsonElement>(new Uri(this[node].ManagementAddress, "/cluster"));
        return [.. view.GetProperty("members").EnumerateArray().Select(member => (member.GetProperty("address").GetString()!,
            member.GetProperty("status").GetString()!, member.GetProperty("reachable").GetBoolean()))];
    }

    /// <summary>What the nodes logged about membership, downing, quarantine and shutting down: the story of a fault.</summary>
    public string ClusterEvents() => string.Join('\n', _nodes.Concat(_stopped).OfType<ClusterNode>().SelectMany(node =>
        node.Output.Split('\n').Where(line => Notable.Any(word => line.Contains(word, StringComparison.Ordinal)))
            .Select(line => $"{node.Host}: {line.Trim()}")));

    private static readonly string[] Notable = ["UNREACHABLE", "REACHABLE", "SBR took decision", "removing", "Quarantin", "quarantin", "Shutting down", "Exiting", "Marked down", "irrecoverably", "Journal writes"];

    /// <summary>
    /// Every write a node's journal refused or failed, as the nodes logged them, but for those refused by the fence of
    /// a node that saw no majority: none while each room has one writer.
    /// </summary>
    public IReadOnlyList<string> RefusedWrites() => [.. _nodes.Concat(_stopped).OfType<ClusterNode>().SelectMany(node =>
        node.Output.Split('\n').Where(line => line.Contains("to persist event", StringComparison.Ordinal) && !line.Contains(FencedWrite, StringComparison.Ordinal))
            .Select(line => $"{node.Host}: {line.Trim()}"))];

    /// <summary>The writes refused on <paramref name="node"/> (any incarnation) because it saw no majority of the cluster.</summary>
    public int FencedWrites(int node) => _nodes.Concat(_stopped).OfType<ClusterNode>().Where(n => n.Host == NetworkLab.AddressOf(node))
        .Sum(n => n.Output.Split('\n').Count(line => line.Contains("to persist event", StringComparison.Ordinal) && line.Contains(FencedWrite, StringComparison.Ordinal)));

    private const string FencedWrite = "journal writes are refused on this node";

    /// <summary>When <paramref name="node"/> (its first incarnation that did) first logged a line containing <paramref name="text"/>.</summary>
    public DateTime? FirstLogged(int node, string text) => _stopped.Concat(_nodes).OfType<ClusterNode>()
        .Where(n => n.Host == NetworkLab.AddressOf(node))
        .SelectMany(n => n.Output.Split('\n').Where(line => line.Contains(text, StringComparison.Ordinal)))
        .Select(line => LogTime().Match(line))
        .Where(match => match.Success)
        .Select(match => (DateTime?)DateTime.ParseExact(match.Groups[1].Value, "MM/dd/yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal))
        .FirstOrDefault();

    [GeneratedRegex(@"\]\[(\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d{3})Z\]")]
    private static partial Regex LogTime();

    /// <summary>Which lab node runs <paramref name="room"/>, as node <paramref name="asking"/> finds out.</summary>
    public async Task<int> NodeOfRoomAsync(string room, int asking = 1)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var location = await http.GetFromJsonAsync<JsonElement>(new Uri(this[asking].ManagementAddress, $"/rooms/{room}/node"));
        var node = location.GetProperty("node").GetString()!;
        return Enumerable.Range(1, Size).Single(i => node.Contains($"@{NetworkLab.AddressOf(i)}:", StringComparison.Ordinal));
    }

    /// <summary>Signs in through nginx, as a client coming back after losing its node does.</summary>
    public Task<ChatClient> ConnectThroughBalancerAsync(string user) =>
        ClusterClients.ReconnectAsync(BalancerHttp, Balancer.SocketAddress, user, TimeSpan.FromSeconds(60));

    /// <summary>
    /// What two live copies of one entity writing one journal would leave behind: a persistence id whose events one
    /// incarnation stored, then another, then the first again; or a gap in its sequence numbers. Empty when a single
    /// writer held throughout.
    /// </summary>
    /// <summary>What the journal holds for <paramref name="persistenceId"/>: how many events, up to which number, and each writer's run.</summary>
    public async Task<string> DescribeJournalAsync(string persistenceId)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT sequence_number, writer_uuid FROM journal WHERE persistence_id = @id ORDER BY sequence_number", connection);
        command.Parameters.AddWithValue("id", persistenceId);
        await using var reader = await command.ExecuteReaderAsync();
        var runs = new List<(string Writer, long From, long To)>();
        while (await reader.ReadAsync())
        {
            var (seq, writer) = (reader.GetInt64(0), reader.GetString(1));
            if (runs.Count > 0 && runs[^1].Writer == writer)
                runs[^1] = runs[^1] with { To = seq };
            else
                runs.Add((writer, seq, seq));
        }
        return runs.Count == 0 ? "no events"
            : $"events {runs[0].From}..{runs[^1].To}, written by {string.Join(", ", runs.Select(run => $"{run.Writer[..Math.Min(8, run.Writer.Length)]} ({run.From}-{run.To})"))}";
    }

    public async Task<IReadOnlyList<string>> JournalProblemsAsync()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT persistence_id, sequence_number, writer_uuid FROM journal ORDER BY persistence_id, sequence_number", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var problems = new List<string>();
        var (id, current, earlier, previous) = ("", (string?)null, new HashSet<string>(), 0L);
        while (await reader.ReadAsync())
        {
            var (pid, seq, writer) = (reader.GetString(0), reader.GetInt64(1), reader.GetString(2));
            if (pid != id)
                (id, current, earlier, previous) = (pid, null, [], seq - 1);
            if (seq != previous + 1)
                problems.Add($"{pid}: sequence number {seq} after {previous}");
            if (writer != current)
            {
                if (earlier.Contains(writer))
                    problems.Add($"{pid}: writer {writer} stores again at {seq} after another one did");
                if (current is not null)
                    earlier.Add(current);
                current = writer;
            }
            previous = seq;
        }
        return problems;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var node in _nodes.Concat(_stopped))
            {
                if (node is not null)
                    await node.DisposeAsync();
            }
            if (Balancer is not null)
                await Balancer.DisposeAsync();
        }
        finally
        {
            BalancerHttp.Dispose();
            try
            {
                await _postgres.DisposeAsync();
            }
            finally
            {
                await _lab.DisposeAsync();
            }
        }
    }
}
