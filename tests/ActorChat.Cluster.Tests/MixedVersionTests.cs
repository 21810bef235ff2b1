using System.Security.Cryptography;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Cluster.Tests;

/// <summary>
/// A rolling upgrade from the last version that sent the positional binary encoding to this one, done as
/// docs/operations.md says: first this version writing that encoding beside the old node, then, with the old node
/// gone, this version in its own encoding beside the first.
/// </summary>
public sealed class MixedVersionTests : IAsyncLifetime
{
    /// <summary>The last commit whose nodes send only the binary encoding.</summary>
    private const string BinaryOnlyVersion = "b32e2c9";

    private const int Rooms = 4;

    private const int Backlog = 40;

    private readonly PostgresServer _postgres = new();
    private readonly string _signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<ClusterNode> _nodes = [];
    private string _database = "";

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        _database = await _postgres.CreateDatabaseAsync();
    }

    [Fact]
    public async Task Nodes_of_the_previous_version_and_this_one_share_rooms_through_both_steps_of_an_upgrade()
    {
        var previous = await StartAsync(hostBinary: await PreviousVersion.HostAsync(BinaryOnlyVersion));
        var upgraded = await StartAsync(seeds: [previous.AkkaAddress], settings: ["ActorChat:Cluster:WireFormat=Binary"]);

        // Step one. In every room one of the two is on the other node from the room, whichever node it lives on.
        await ClusterClients.RegisterAsync(previous, "old_side");
        await ClusterClients.RegisterAsync(upgraded, "new_side");
        await using (var oldSide = await ClusterClients.ConnectAsync(previous, "old_side"))
        await using (var newSide = await ClusterClients.ConnectAsync(upgraded, "new_side"))
        {
            await ExchangeAsync(oldSide, newSide, "step1");
            // A backlog long enough that its replay after the upgrade crosses nodes in parts (see below).
            for (var room = 0; room < Rooms; room++)
                await SendBacklogAsync(oldSide, $"upgrade-{room}");
        }

        // Step two: the old node leaves, a node of this version in its own encoding takes its place.
        previous.Terminate();
        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            await previous.WaitForExitAsync(exit.Token);
        var current = await StartAsync(seeds: [upgraded.AkkaAddress]);

        await using var binarySide = await ClusterClients.ReconnectAsync(upgraded, "old_side", TimeSpan.FromSeconds(60));
        await using var protobufSide = await ClusterClients.ConnectAsync(current, "new_side");
        for (var room = 0; room < Rooms; room++)
        {
            var joined = await protobufSide.JoinAsync($"upgrade-{room}", since: 0);
            var texts = joined.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()!).ToList();
            // Everything acknowledged before the upgrade is there once, in order: step one's pair, then the backlog. Where
            // the room lives on the node writing the binary encoding, this replay crossed in parts of that encoding.
            Assert.Equal(2 + Backlog, texts.Count);
            Assert.Equal(Enumerable.Range(1, Backlog).Select(Long), texts.Skip(2));
        }
        for (var room = 0; room < Rooms; room++)
            await binarySide.JoinAsync($"upgrade-{room}");
        await ExchangeAsync(binarySide, protobufSide, "step2", joined: true);
    }

    // Each side sends one message into every room and the other side receives it; the sender gets its ack.
    private static async Task ExchangeAsync(ChatClient first, ChatClient second, string step, bool joined = false)
    {
        for (var room = 0; room < Rooms; room++)
        {
            var name = $"upgrade-{room}";
            if (!joined)
            {
                await first.JoinAsync(name);
                await second.JoinAsync(name);
            }
            foreach (var (from, to) in new[] { (first, second), (second, first) })
            {
                var text = $"{step} in {name} from {(from == first ? "first" : "second")}";
                await from.SendAsync(new { type = "send", room = name, id = Guid.NewGuid().ToString("N"), text });
                await from.ExpectSkippingAsync("ack", "presence", "typing", "read", "received");
                var arrived = await to.ExpectSkippingAsync("message", "presence", "typing", "read", "received");
                Assert.Equal((name, text), (arrived.GetProperty("room").GetString(), arrived.GetProperty("text").GetString()));
            }
        }
    }

    private static async Task SendBacklogAsync(ChatClient client, string room)
    {
        for (var i = 1; i <= Backlog; i++)
        {
            await client.SendAsync(new { type = "send", room, id = $"{room}-{i}", text = Long(i) });
            await client.ExpectSkippingAsync("ack", "presence", "typing", "read", "received", "message");
        }
    }

    // 1,000 characters: 40 of them make a replay well past the size at which a delivery crosses nodes in parts.
    private static string Long(int i) => $"{i:D4} " + new string((char)('a' + (i % 26)), 995);

    private async Task<ClusterNode> StartAsync(IReadOnlyList<string>? seeds = null, IReadOnlyList<string>? settings = null, string? hostBinary = null)
    {
        var node = await ClusterNode.StartAsync(_database, _signingKey, seeds, settings, hostBinary: hostBinary);
        _nodes.Add(node);
        return node;
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        await _postgres.DisposeAsync();
    }
}
