using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Cluster.Tests;

/// <summary>Nodes that name no seed node find each other by Cluster Bootstrap over a configured list of endpoints.</summary>
public sealed class BootstrapTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private readonly List<ClusterNode> _nodes = [];
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly int[] _bootstrapPorts = [ClusterNode.FreePort(), ClusterNode.FreePort(), ClusterNode.FreePort()];
    private string _database = "";

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        _database = await _postgres.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task Three_nodes_started_in_any_order_without_a_seed_list_form_one_cluster_and_a_node_back_on_a_new_port_rejoins()
    {
        // Started together, the last in the list first: none of them is told who forms the cluster.
        var starting = _bootstrapPorts.Reverse().Select(port => StartAsync(port)).ToArray();
        try
        {
            await Task.WhenAll(starting);
        }
        finally
        {
            _nodes.AddRange(starting.Where(start => start.IsCompletedSuccessfully).Select(start => start.Result));
        }
        foreach (var node in _nodes)
            await ClusterMembership.WaitForUpMembersAsync(node, _nodes.Select(n => n.AkkaAddress).ToArray());

        // Every node was a fresh start, yet they agree on one leader: one cluster, not three.
        var leaders = await Task.WhenAll(_nodes.Select(async node => (await ClusterMembership.ClusterOfAsync(node)).GetProperty("leader").GetString()));
        Assert.Single(leaders.Distinct());

        // A node dies and comes back with new node-to-node and HTTP ports, its bootstrap endpoint the same.
        var gone = _nodes[0];
        var bootstrapPort = _bootstrapPorts[^1];
        gone.Kill();
        await gone.DisposeAsync();
        _nodes.Remove(gone);
        var back = await StartAsync(bootstrapPort);
        _nodes.Add(back);
        Assert.NotEqual(gone.AkkaPort, back.AkkaPort);

        // The others down the dead incarnation (it cannot be reached) and take the new one in.
        foreach (var node in _nodes)
            await ClusterMembership.WaitForUpMembersAsync(node, _nodes.Select(n => n.AkkaAddress).ToArray());
    }

    [Fact]
    public async Task The_bootstrap_endpoint_listens_on_the_node_to_node_side_not_on_the_public_address()
    {
        var node = await StartAsync(_bootstrapPorts[0], "ActorChat:Cluster:RequiredContactPoints=1", only: [_bootstrapPorts[0]]);
        _nodes.Add(node);

        using var http = new HttpClient();
        // What bootstrap's probes read: this node's own address, and the members one may join through.
        var seeds = await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{_bootstrapPorts[0]}/bootstrap/seed-nodes");
        var self = seeds.GetProperty("SelfNode");
        Assert.Equal(node.AkkaPort, self.GetProperty("Port").GetInt32());
        Assert.Equal(node.AkkaPort, Assert.Single(seeds.GetProperty("Nodes").EnumerateArray()).GetProperty("Node").GetProperty("Port").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync("/bootstrap/seed-nodes")).StatusCode);
    }

    private Task<ClusterNode> StartAsync(int bootstrapPort, string? setting = null, IReadOnlyList<int>? only = null) =>
        ClusterNode.StartDiscoveringAsync(_database, _key, bootstrapPort, only ?? _bootstrapPorts, setting is null ? null : [setting]);
}
