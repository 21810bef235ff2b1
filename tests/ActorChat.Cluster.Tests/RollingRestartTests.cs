using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ActorChat.Testing;
using Xunit.Abstractions;

namespace ActorChat.Cluster.Tests;

/// <summary>
/// Every node of a cluster under load is restarted in turn (SIGTERM, wait for the exit, start again on the same
/// bootstrap port, wait until it is Up), as a deployment does, while clients on every node keep talking in many rooms.
/// </summary>
public sealed class RollingRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int RoomCount = 60;
    private const int ClientsPerNode = 2;
    private const int AcksBetweenSteps = 10;
    private static readonly TimeSpan SendEvery = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan FailoverBudget = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(60);

    private readonly PostgresServer _postgres = new();
    private readonly ClusterNode[] _nodes = new ClusterNode[3];
    private readonly int[] _bootstrapPorts = [ClusterNode.FreePort(), ClusterNode.FreePort(), ClusterNode.FreePort()];
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private string _database = "";

    // The nodes a load balancer sends new connections to: a node leaves it before it is stopped, and comes back once Up.
    private volatile ClusterNode[] _balanced = [];

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        _database = await _postgres.CreateDatabaseAsync();
        var starting = _bootstrapPorts.Select(port => ClusterNode.StartDiscoveringAsync(_database, _key, port, _bootstrapPorts)).ToArray();
        try
        {
            await Task.WhenAll(starting);
        }
        finally
        {
            for (var i = 0; i < starting.Length; i++)
                _nodes[i] = starting[i].IsCompletedSuccessfully ? starting[i].Result : null!;
        }
        await ClusterMembership.WaitForUpMembersAsync(_nodes);
        _balanced = [.. _nodes];
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes.Where(n => n is not null))
            await node.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task A_rolling_restart_under_load_loses_doubles_and_reorders_nothing_and_every_client_is_back_within_the_failover_budget()
    {
        var rooms = Enumerable.Range(0, RoomCount).Select(i => $"roll{i}").ToArray();
        var clients = new List<ResumingClient>();
        for (var n = 0; n < _nodes.Length; n++)
        {
            for (var c = 0; c < ClientsPerNode; c++)
            {
                var user = $"roller{n}{c}";
                var token = await SignInAsync(_nodes[n], user);
                clients.Add(await ResumingClient.StartAsync(user, token, rooms, _nodes[n].SocketAddress, Balanced, clients.Count));
            }
        }
        try
        {
            // Every room has a member on every node; each client posts five messages a second, round the rooms.
            using var stopSending = new CancellationTokenSource();
            var sending = clients.Select((client, i) => SendAsync(client, rooms, i * RoomCount / clients.Count, stopSending.Token)).ToArray();
            await AcksGoOnAsync(clients, "before the restarts");

            var restarts = Stopwatch.StartNew();
            for (var n = 0; n < _nodes.Length; n++)
            {
                await RestartAsync(n);
                await AcksGoOnAsync(clients, $"after node {n} was restarted");
            }
            output.WriteLine($"three rolling restarts in {restarts.Elapsed.TotalSeconds:F1} s");
            await stopSending.CancelAsync();
            await Task.WhenAll(sending);
            await Eventually.True(() => clients.All(c => c.IsLive && c.Ledger.UnackedCount == 0),
                () => $"every send acked ({string.Join(", ", clients.Select(c => $"{c.User}: {c.Ledger.UnackedCount}"))})", Step);

            await AuditAsync(clients, rooms);
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    private IReadOnlyList<Uri> Balanced() => [.. _balanced.Select(node => node.SocketAddress)];

    private static async Task<string> SignInAsync(ClusterNode node, string user)
    {
        await ClusterClients.RegisterAsync(node, user);
        var login = await node.Http.PostAsJsonAsync("/api/login", new { username = user, password = ClusterClients.Password });
        login.EnsureSuccessStatusCode();
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task SendAsync(ResumingClient client, string[] rooms, int firstRoom, CancellationToken stop)
    {
        using var every = new PeriodicTimer(SendEvery);
        try
        {
            for (var n = 0; await every.WaitForNextTickAsync(stop); n++)
                await client.SendAsync(rooms[(firstRoom + n) % rooms.Length], $"message {n} of {client.User}");
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    /// <summary>Every client has more of its sends acked: the cluster serves all of them at this point.</summary>
    private static async Task AcksGoOnAsync(List<ResumingClient> clients, string when)
    {
        var before = clients.Select(c => c.Ledger.AckedCount).ToArray();
        await Eventually.True(() => clients.Select((c, i) => c.Ledger.AckedCount >= before[i] + AcksBetweenSteps).All(more => more),
            () => $"every client's sends acked {when}", Step);
    }

    /// <summary>SIGTERM, wait for the exit, start again on the same bootstrap port, wait until every node sees it Up.</summary>
    private async Task RestartAsync(int n)
    {
        var node = _nodes[n];
        _balanced = [.. _balanced.Where(other => other != node)];
        var clock = Stopwatch.StartNew();
        node.Terminate();
        await Eventually.True(() => node.HasExited, () => $"node {n} exits after SIGTERM:\n{node.OutputTail}", Step, TimeSpan.FromMilliseconds(100));
        var exited = clock.Elapsed;
        var exitCode = node.ExitCode;
        await node.DisposeAsync();
        _nodes[n] = null!; // until its successor is up
        await ClusterMembership.WaitForUpMembersAsync([.. _nodes.Where(other => other is not null)]);
        _nodes[n] = await ClusterNode.StartDiscoveringAsync(_database, _key, _bootstrapPorts[n], _bootstrapPorts);
        var ready = clock.Elapsed;
        await ClusterMembership.WaitForUpMembersAsync(_nodes);
        _balanced = [.. _balanced, _nodes[n]];
        output.WriteLine($"node {n}: exited with {exitCode} {exited.TotalSeconds:F1} s after SIGTERM, ready again at "
            + $"{ready.TotalSeconds:F1} s, Up in every node's view at {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// The record read fresh from the cluster against what each client was told: every room gapless, each (user, id)
    /// stored once, every ack at its seq, and every client saw every other client's message of each room once, in order.
    /// </summary>
    private async Task AuditAsync(List<ResumingClient> clients, string[] rooms)
    {
        var history = new Dictionary<string, List<(long Seq, string From, string Id)>>();
        var token = await SignInAsync(_nodes[0], "auditor");
        await using (var auditor = await ChatClient.ConnectAsync(_nodes[0].SocketAddress, token))
        {
            await auditor.ExpectAsync("welcome");
            foreach (var room in rooms)
            {
                await auditor.SendAsync(new { type = "join", room, since = 0 });
                var joined = await auditor.ExpectSkippingAsync("joined", "presence", "read", "received");
                Assert.False(joined.TryGetProperty("truncated", out _), $"{room}: the replay holds the whole room");
                history[room] = [.. joined.GetProperty("messages").EnumerateArray().Select(m =>
                    (m.GetProperty("seq").GetInt64(), m.GetProperty("from").GetString()!, m.GetProperty("id").GetString()!))];
            }
        }
        foreach (var (room, messages) in history)
        {
            Assert.Equal(Enumerable.Range(1, messages.Count).Select(i => (long)i), messages.Select(m => m.Seq));
            Assert.Equal(messages.Count, messages.Select(m => (m.From, m.Id)).Distinct().Count());
        }
        foreach (var client in clients)
        {
            var acked = client.Ledger.Acked;
            Assert.Equal(client.Sent, acked.Count);
            Assert.Equal(client.Sent, history.Values.Sum(messages => messages.Count(m => m.From == client.User)));
            foreach (var ((room, id), seq) in acked)
                Assert.Equal((client.User, id), (history[room][(int)seq - 1].From, history[room][(int)seq - 1].Id));
        }
        await Eventually.True(() => clients.All(client => rooms.All(room =>
                client.Ledger.Seen(room).SetEquals(history[room].Where(m => m.From != client.User).Select(m => m.Seq)))),
            "every client saw every other client's messages", Step);

        var timesBack = clients.SelectMany(c => c.Ledger.TimesBack).Order().ToArray();
        output.WriteLine($"{history.Values.Sum(m => m.Count)} messages in {rooms.Length} rooms, {clients.Count} clients; "
            + $"{timesBack.Length} reconnects, back within {timesBack.DefaultIfEmpty().Max().TotalSeconds:F2} s at most");
        Assert.Empty(clients.SelectMany(c => c.Ledger.Problems.Select(p => $"{c.User}: {p}")));
        Assert.All(clients, client => Assert.NotEmpty(client.Ledger.TimesBack)); // each one's node was restarted under it
        Assert.All(timesBack, back => Assert.True(back <= FailoverBudget, $"a client was away {back.TotalSeconds:F1} s"));
    }
}
