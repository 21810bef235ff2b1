using System.Security.Cryptography;

namespace ActorChat.Cluster.Tests;

/// <summary>
/// A throwaway PostgreSQL and three node processes that form one cluster through the first, for a test that loses a
/// node: each test gets a cluster of its own.
/// </summary>
/// <param name="settings">More settings for every node, as <c>Key=Value</c>.</param>
public sealed class ThreeNodeCluster(params string[] settings) : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private readonly List<ClusterNode> _nodes = [];
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The nodes in the order they were started; the first is the seed the others joined.</summary>
    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        var database = await _postgres.CreateDatabaseAsync();
        var first = await ClusterNode.StartAsync(database, _key, settings: settings);
        _nodes.Add(first);
        _nodes.AddRange(await Task.WhenAll(
            ClusterNode.StartAsync(database, _key, [first.AkkaAddress], settings),
            ClusterNode.StartAsync(database, _key, [first.AkkaAddress], settings)));
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        await _postgres.DisposeAsync();
    }
}
