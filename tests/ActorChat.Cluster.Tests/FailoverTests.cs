using System.Net;
using System.Security.Cryptography;
using ActorChat.Testing;
using Xunit.Abstractions;

namespace ActorChat.Cluster.Tests;

/// <summary>How soon the rooms of a lost node serve their members again, with the settings a user gets.</summary>
public sealed class FailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Enough rooms that the lost node certainly hosts some of them.
    private static readonly string[] Rooms = [.. Enumerable.Range(0, 18).Select(i => $"f{i}")];

    /// <summary>The documented fast profile: a node is given up after about 5 s instead of about 10.</summary>
    private static readonly string[] FastProfile =
    [
        "ActorChat:Cluster:HeartbeatPause=00:00:02",
        "ActorChat:Cluster:DownUnreachableAfter=00:00:02",
    ];

    private readonly PostgresServer _postgres = new();
    private readonly List<ClusterNode> _nodes = [];
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    private async Task StartClusterAsync(IReadOnlyList<string>? settings = null)
    {
        var database = await _postgres.CreateDatabaseAsync();
        var first = await ClusterNode.StartAsync(database, _key, settings: settings);
        _nodes.Add(first);
        _nodes.AddRange(await Task.WhenAll(
            ClusterNode.StartAsync(database, _key, [first.AkkaAddress], settings),
            ClusterNode.StartAsync(database, _key, [first.AkkaAddress], settings)));
    }

    /// <summary>A sender and a receiver on two nodes, both in every room, each room with a message already.</summary>
    private static async Task<(TrackedClient Sender, TrackedClient Receiver)> ConverseAsync(ClusterNode senderNode, ClusterNode receiverNode)
    {
        await ClusterClients.RegisterAsync(senderNode, "sender");
        await ClusterClients.RegisterAsync(senderNode, "receiver");
        var sender = await TrackedClient.ConnectAsync(() => ClusterClients.ConnectAsync(senderNode, "sender"), "sender");
        var receiver = await TrackedClient.ConnectAsync(() => ClusterClients.ConnectAsync(receiverNode, "receiver"), "receiver");
        foreach (var room in Rooms)
        {
            await sender.JoinAsync(room);
            await receiver.JoinAsync(room);
        }
        await Eventually.True(() => Rooms.All(r => sender.JoinedCount(r) == 1 && receiver.JoinedCount(r) == 1), "everyone joined", TimeSpan.FromSeconds(60));
        foreach (var room in Rooms)
            await sender.SendAsync(room, "before", "before the loss");
        await Eventually.True(() => sender.UnackedCount == 0 && Rooms.All(r => receiver.LastSeq(r) == 1), "the first message everywhere", TimeSpan.FromSeconds(60));
        return (sender, receiver);
    }

    [Theory]
    [InlineData("defaults", false, 15)]
    [InlineData("defaults", true, 15)]
    [InlineData("fast", false, 10)]
    [InlineData("fast", true, 10)]
    public async Task After_a_node_is_killed_every_room_acks_and_delivers_again_within_the_profiles_budget(string profile, bool oldest, int budgetSeconds)
    {
        await StartClusterAsync(profile == "fast" ? FastProfile : null);
        // The oldest node hosts the shard coordinator; losing it moves the coordinator as well as rooms.
        var (victim, senderNode, receiverNode) = oldest ? (_nodes[0], _nodes[1], _nodes[2]) : (_nodes[2], _nodes[0], _nodes[1]);
        var (sender, receiver) = await ConverseAsync(senderNode, receiverNode);
        await using var _ = sender;
        await using var __ = receiver;

        sender.Marker = receiver.Marker = "after";
        victim.Kill();
        var killedAt = DateTime.UtcNow;

        // A message to every room every half second, as people carry on talking.
        var round = 0;
        await Eventually.True(async () =>
        {
            var silent = Rooms.Where(r => !sender.FirstAckOf.ContainsKey(r) || !receiver.FirstArrivalOf.ContainsKey(r)).ToList();
            round++;
            foreach (var room in silent)
                await sender.SendAsync(room, $"after-{round}", $"after the loss {round}");
            return silent.Count == 0;
        }, () => $"every room acked and delivered again after the kill\n--- sender's node\n{senderNode.Output}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));

        var backAfter = Rooms.ToDictionary(r => r, r => (Max(sender.FirstAckOf[r], receiver.FirstArrivalOf[r]) - killedAt).TotalSeconds);
        var recovery = backAfter.Values.Max();
        output.WriteLine($"{profile}, {(oldest ? "oldest node" : "a room node")} killed: every room acked and delivered again after {recovery:F1} s");
        Assert.Contains(backAfter.Values, seconds => seconds > 2); // the lost node did host rooms
        // A third over the budget allows for this small, shared machine; docs/operations.md reports the measured figure.
        Assert.True(recovery <= budgetSeconds * 4.0 / 3, $"rooms were back only after {recovery:F1} s (budget {budgetSeconds} s)");
    }

    [Fact]
    public async Task A_node_stalled_for_five_seconds_is_not_downed_and_its_rooms_and_sockets_carry_on()
    {
        await StartClusterAsync();
        var stalled = _nodes[2];
        var (sender, receiver) = await ConverseAsync(_nodes[0], stalled);
        await using var _ = sender;
        await using var __ = receiver;

        stalled.Stall();
        await Task.Delay(TimeSpan.FromSeconds(5)); // the stall itself, longer than the failure detector's pause
        stalled.Resume();

        receiver.Marker = sender.Marker = "resumed";
        foreach (var room in Rooms)
            await sender.SendAsync(room, "resumed", "resumed after the stall");
        await Eventually.True(() => Rooms.All(r => sender.FirstAckOf.ContainsKey(r) && receiver.FirstArrivalOf.ContainsKey(r)),
            () => $"every room after the stall: acked {sender.FirstAckOf.Count}, delivered {receiver.FirstArrivalOf.Count} of {Rooms.Length}; receiver closed: {receiver.IsClosed}\n--- stalled node\n{stalled.Output}", TimeSpan.FromSeconds(30));
        Assert.False(receiver.IsClosed);
        Assert.False(stalled.HasExited);
        var ready = await stalled.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        // Nothing was lost or doubled on the way.
        foreach (var room in Rooms)
            Assert.Equal([1L, 2L], receiver.SeenSeqs(room).Order());
    }

    [Fact]
    public async Task A_node_the_others_downed_exits_with_a_code_that_tells_its_supervisor_to_restart_it()
    {
        await StartClusterAsync(FastProfile);
        var downed = _nodes[2];

        // Frozen far past the fast profile's 2 s pause, 2 s of unreachability and the 1 s margin: the others down it.
        downed.Stall();
        await Task.Delay(TimeSpan.FromSeconds(15));
        downed.Resume();

        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await downed.WaitForExitAsync(exited.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the downed node was still running 60 s after it resumed\n--- its output\n{downed.Output}");
        }
        // Akka's coordinated shutdown, run because the node was downed, ends the process with a failure code.
        Assert.NotEqual(0, downed.ExitCode);
        // Told by the others that it is down, or refused by them as quarantined, when it came back believing them gone.
        Assert.True(downed.Output.Contains("marked as DOWN", StringComparison.Ordinal) || downed.Output.Contains("was quarantined by", StringComparison.Ordinal),
            $"the node exited for another reason\n--- its output\n{downed.Output}");
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
