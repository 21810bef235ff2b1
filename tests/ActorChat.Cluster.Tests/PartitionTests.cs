using System.Diagnostics;
using System.Net;
using ActorChat.Cluster.Tests.Network;
using ActorChat.Testing;
using Xunit.Abstractions;

namespace ActorChat.Cluster.Tests;

/// <summary>The network lab's tests run alone: their timings are the point, and two labs cannot share the names.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetworkLabTests
{
    public const string Name = "network lab";
}

/// <summary>
/// Three nodes, each in a network namespace of its own, behind nginx, under load in 54 rooms with members on every
/// node; the network between the nodes fails while every node stays alive and reachable from its clients.
/// </summary>
[Collection(NetworkLabTests.Name)]
public sealed class PartitionTests(ITestOutputHelper output)
{
    private static readonly string[] Rooms = [.. Enumerable.Range(0, 54).Select(i => $"part-{i}")];

    // With the default timings: detection (3 s heartbeat pause and the failure detector's threshold, about 5 s),
    // the resolver's stable-after (5 s), the removal margin (1 s), the rooms' recovery (their members rejoin and
    // resend the moment the lost node is removed): about 12 s measured, and a margin for a busy machine.
    private static readonly TimeSpan FailoverBudget = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_node_cut_off_from_the_others_downs_itself_the_majority_serves_every_room_and_the_healed_node_rejoins()
    {
        await using var cluster = await LabCluster.StartAsync(3);
        await using var load = await LabLoad.ConnectAsync(cluster, Rooms, perNode: 3);
        var placed = await Task.WhenAll(Rooms.Select(room => cluster.NodeOfRoomAsync(room)));
        Assert.All(Enumerable.Range(1, 3), node => Assert.Contains(node, placed));
        var cutOffRooms = Rooms.Where((_, i) => placed[i] == 3).ToArray();
        load.Start(TimeSpan.FromMilliseconds(400), "before-");
        await Eventually.True(() => load.Clients.All(client => client.Acked.Count > 0), "the load runs", TimeSpan.FromSeconds(30));

        // The cut: node 3 no longer reaches nodes 1 and 2 nor they it; nginx, its clients and PostgreSQL still do.
        var cut = Stopwatch.StartNew();
        await cluster.Lab.IsolateAsync(3);
        var minority = cluster[3];
        await load.StopAsync();
        foreach (var client in load.Clients)
            client.Marker = "after-";
        load.Start(TimeSpan.FromMilliseconds(400), "after-");
        // Each client sends to its rooms in turn, a room's turn coming round every 20 s or so: the majority's
        // clients also send to every room of the lost node at once, so that its first ack is its return.
        var majority = load.Clients.Where(client => !client.User.StartsWith("n3_", StringComparison.Ordinal)).ToList();
        load.Probe(majority, cutOffRooms, "after-");

        // Keep-majority: the lone node downs itself and its process ends; the two others carry on.
        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(40)))
            await minority.WaitForExitAsync(exit.Token);
        output.WriteLine($"the cut-off node exited {cut.Elapsed.TotalSeconds:F1} s after the cut (code {minority.ExitCode})");
        Assert.False(cluster[1].HasExited || cluster[2].HasExited, "a node of the majority stopped");

        // Every room, those that ran on the lost node included, acknowledges sends again within the failover budget.
        var cutAt = DateTime.UtcNow - cut.Elapsed;
        await Eventually.True(() => Rooms.All(room => load.Clients.Any(client => client.FirstAckOf.ContainsKey(room))),
            () => $"every room acknowledges again; not yet: {string.Join(", ", Rooms.Where(room => !load.Clients.Any(c => c.FirstAckOf.ContainsKey(room))))}",
            TimeSpan.FromSeconds(60));
        // Measured by the majority's clients: the lone node's own clients get acks from its rooms until it downs itself.
        await Eventually.True(() => cutOffRooms.All(room => majority.Any(client => client.FirstAckOf.ContainsKey(room))),
            "the majority's clients are acknowledged in the lost node's rooms", TimeSpan.FromSeconds(60));
        var back = cutOffRooms.Max(room => majority.Where(c => c.FirstAckOf.ContainsKey(room)).Min(c => c.FirstAckOf[room])) - cutAt;
        output.WriteLine($"{cutOffRooms.Length} rooms of the lost node served again {back.TotalSeconds:F1} s after the cut");
        // The lone node stopped writing before the majority took its rooms over: no moment with two writers.
        var fenced = cluster.FirstLogged(3, "Journal writes are refused on this node");
        var takenOver = Min(cluster.FirstLogged(1, "Leader is removing unreachable node"), cluster.FirstLogged(2, "Leader is removing unreachable node"));
        Assert.True(fenced is not null && takenOver is not null && fenced < takenOver,
            $"the lone node stopped writing at {fenced:HH:mm:ss.fff}, the majority removed it at {takenOver:HH:mm:ss.fff}");
        output.WriteLine($"the lone node stopped writing {(fenced - cutAt)!.Value.TotalSeconds:F1} s after the cut, {(takenOver - fenced)!.Value.TotalSeconds:F1} s before the majority removed it");
        Assert.True(back <= FailoverBudget, $"the lost node's rooms came back after {back.TotalSeconds:F1} s, over the {FailoverBudget.TotalSeconds} s budget");

        // The partition holds 30 s under load.
        await Eventually.True(() => cut.Elapsed >= TimeSpan.FromSeconds(30), "30 s of partition", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1));

        // Healed, the node starts again: it finds the cluster by bootstrap, joins, and takes rooms again.
        await NetworkLab.HealAsync(3);
        await cluster.StartNodeAsync(3);
        foreach (var node in new[] { 1, 2, 3 })
        {
            await Eventually.True(async () => (await cluster.MembersSeenByAsync(node)) is { Count: 3 } members && members.All(m => m.Status == "up"),
                $"node {node} sees three members up", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        }
        var fresh = await Eventually.Value(async () =>
        {
            var room = $"fresh-{Guid.NewGuid():N}"[..20];
            return (room, node: await cluster.NodeOfRoomAsync(room));
        }, placement => placement.node == 3, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50));
        output.WriteLine($"the rejoined node runs new room {fresh.room}");

        await load.StopAsync();
        await load.ComeBackAsync();
        await Eventually.True(() => load.Clients.All(client => client.UnackedCount == 0),
            () => $"every send acknowledged; unacked: {load.Clients.Sum(c => c.UnackedCount)}", TimeSpan.FromSeconds(60));
        Assert.Empty(load.Failures);
        Assert.All(load.Clients, client => Assert.Equal(0, client.OwnEchoes));

        var stored = await load.AuditAsync("auditor");
        output.WriteLine($"{stored} messages in {Rooms.Length} rooms, every one once, in order, seen by all {load.Clients.Count} members");
        // One writer per room at any moment: the journal refused no write (a second incarnation's events would
        // collide with the first's sequence numbers), and every room's events run gapless, one incarnation after another.
        output.WriteLine(cluster.ClusterEvents());
        output.WriteLine($"writes the lone node refused while it saw no majority: {cluster.FencedWrites(3)}");
        Assert.Empty(cluster.RefusedWrites());
        Assert.Empty(await cluster.JournalProblemsAsync());
    }

    private static DateTime? Min(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a < b ? a : b;

    [Fact]
    public async Task A_slow_lossy_network_between_the_nodes_downs_no_one_and_loses_nothing()
    {
        var proxies = new List<FaultProxy>();
        try
        {
            await RunFlakyAsync(proxies);
        }
        finally
        {
            foreach (var proxy in proxies)
                await proxy.DisposeAsync();
        }
    }

    private async Task RunFlakyAsync(List<FaultProxy> proxies)
    {
        await using var cluster = await LabCluster.StartAsync(3, _ =>
        {
            // Every node reaches every other node's node-to-node port through a proxy of its own.
            for (var to = 1; to <= 3; to++)
            {
                var proxy = new FaultProxy(IPAddress.Parse(NetworkLab.RootAddress), new IPEndPoint(IPAddress.Parse(NetworkLab.AddressOf(to)), ClusterNode.LabAkkaPort));
                proxies.Add(proxy);
            }
            return Task.WhenAll(from node in Enumerable.Range(1, 3) from to in Enumerable.Range(1, 3) where node != to
                select NetworkLab.RouteThroughAsync(node, to, ClusterNode.LabAkkaPort, proxies[to - 1].Port));
        });
        {
            await using var load = await LabLoad.ConnectAsync(cluster, Rooms, perNode: 3);
            load.Start(TimeSpan.FromMilliseconds(400), "flaky-");

            // 200 ms each way on every link, and 5% of the packets between nodes lost.
            foreach (var proxy in proxies)
                proxy.Delay = TimeSpan.FromMilliseconds(200);
            int[] nodePorts = [ClusterNode.LabAkkaPort, .. proxies.Select(p => p.Port)];
            foreach (var node in new[] { 1, 2, 3 })
                await NetworkLab.LoseAsync(node, 0.05, nodePorts);
            var flaky = Stopwatch.StartNew();
            var unreachableSeen = 0;
            using var sample = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (flaky.Elapsed < TimeSpan.FromSeconds(60) && await sample.WaitForNextTickAsync())
            {
                foreach (var node in new[] { 1, 2, 3 })
                {
                    Assert.False(cluster[node].HasExited, $"node {node} stopped");
                    var members = await cluster.MembersSeenByAsync(node);
                    Assert.True(members.Count == 3 && members.All(m => m.Status == "up"),
                        $"node {node} after {flaky.Elapsed.TotalSeconds:F0} s sees {string.Join(", ", members)}");
                    unreachableSeen += members.Count(m => !m.Reachable);
                }
            }
            foreach (var node in new[] { 1, 2, 3 })
                await NetworkLab.HealAsync(node);
            foreach (var proxy in proxies)
                proxy.Delay = TimeSpan.Zero;
            await load.StopAsync();
            await Eventually.True(() => load.Clients.All(client => client.UnackedCount == 0),
                () => $"every send acknowledged; unacked: {load.Clients.Sum(c => c.UnackedCount)}", TimeSpan.FromSeconds(60));
            Assert.Empty(load.Failures);
            int stored;
            try
            {
                stored = await load.AuditAsync("auditor");
            }
            finally
            {
                output.WriteLine(cluster.ClusterEvents());
            }
            var delivery = load.Clients.SelectMany(client => client.DeliveryMilliseconds).Order().ToArray();
            output.WriteLine($"60 s of 200 ms delay and 5% loss between nodes: {stored} messages, none lost, no node downed " +
                $"(members seen unreachable in {unreachableSeen} one-second samples); delivery p50 {delivery[delivery.Length / 2]:F0} ms, " +
                $"p99 {delivery[(int)(delivery.Length * 0.99)]:F0} ms, max {delivery[^1]:F0} ms over {delivery.Length} deliveries");
            Assert.Empty(cluster.RefusedWrites());
            Assert.Empty(await cluster.JournalProblemsAsync());
        }
    }
}
