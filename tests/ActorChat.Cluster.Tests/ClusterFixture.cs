using System.Security.Cryptography;
using ActorChat.Testing;

namespace ActorChat.Cluster.Tests;

/// <summary>A throwaway PostgreSQL and two ActorChat node processes that form one cluster over loopback.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();

    public string Database { get; private set; } = "";

    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public ClusterNode First { get; private set; } = null!;

    public ClusterNode Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        Database = await _postgres.CreateDatabaseAsync();
        First = await ClusterNode.StartAsync(Database, SigningKey);
        Second = await ClusterNode.StartAsync(Database, SigningKey, [First.AkkaAddress]);
    }

    public Task<ClusterNode> StartAnotherAsync() => ClusterNode.StartAsync(Database, SigningKey, [First.AkkaAddress]);

    /// <summary>Registers on one node and signs in on another: accounts and tokens are the cluster's, not a node's.</summary>
    public async Task<ChatClient> ConnectAsync(ClusterNode node, string username)
    {
        await ClusterClients.RegisterAsync(node == First ? Second : First, username);
        return await ClusterClients.ConnectAsync(node, username);
    }

    public async Task DisposeAsync()
    {
        if (Second is not null)
            await Second.DisposeAsync();
        if (First is not null)
            await First.DisposeAsync();
        await _postgres.DisposeAsync();
    }
}
