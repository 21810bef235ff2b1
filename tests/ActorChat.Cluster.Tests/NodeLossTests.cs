using System.Diagnostics;
using System.Net.WebSockets;
using ActorChat.Testing;
using Xunit.Abstractions;

namespace ActorChat.Cluster.Tests;

public sealed class NodeLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Rooms = ["r0", "r1", "r2", "r3", "r4", "r5"];
    private readonly ThreeNodeCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_conversation_survives_the_loss_of_a_node_with_nothing_acknowledged_lost_doubled_or_skipped(bool graceful)
    {
        var (first, second, doomed) = (_cluster.Nodes[0], _cluster.Nodes[1], _cluster.Nodes[2]);
        foreach (var user in new[] { "stayer", "mover", "watcher", "auditor" })
            await ClusterClients.RegisterAsync(first, user);
        // Six rooms spread over three nodes: the doomed node hosts some of them.
        await using var stayer = await TrackedClient.ConnectAsync(() => ClusterClients.ConnectAsync(first, "stayer"), "stayer");
        await using var watcher = await TrackedClient.ConnectAsync(() => ClusterClients.ConnectAsync(second, "watcher"), "watcher");
        await using var mover = await TrackedClient.ConnectAsync(() => ClusterClients.ConnectAsync(doomed, "mover"), "mover");
        foreach (var room in Rooms)
        {
            foreach (var client in new[] { stayer, watcher, mover })
                await client.JoinAsync(room);
        }
        await Eventually.True(() => Rooms.All(r => stayer.JoinedCount(r) + watcher.JoinedCount(r) + mover.JoinedCount(r) == 3), "everyone joined");

        for (var i = 0; i < 3; i++)
        {
            foreach (var room in Rooms)
            {
                await stayer.SendAsync(room, $"before-s{i}", $"before {i}");
                await mover.SendAsync(room, $"before-m{i}", $"before {i}");
            }
        }
        await Eventually.True(() => stayer.UnackedCount == 0 && mover.UnackedCount == 0, "acks before the loss");

        var lost = Stopwatch.StartNew();
        watcher.Marker = "after the loss";
        if (graceful)
            doomed.Terminate();
        else
            doomed.Kill();

        // The stayer's node survives: it just keeps talking and expects its sockets and rooms to carry on.
        for (var i = 0; i < 3; i++)
        {
            foreach (var room in Rooms)
                await stayer.SendAsync(room, $"after-s{i}", $"after the loss {i}");
        }
        // The mover's node is gone: it reconnects elsewhere, resumes with since and resends by id.
        await Eventually.True(() => mover.IsClosed, "the mover notices its node is gone");
        if (graceful)
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, mover.CloseStatus);
        await mover.ResumeOnAsync(() => ClusterClients.ReconnectAsync(second, "mover", TimeSpan.FromSeconds(60)), Rooms);
        for (var i = 0; i < 3; i++)
        {
            foreach (var room in Rooms)
                await mover.SendAsync(room, $"after-m{i}", $"after the loss {i}");
        }

        await Eventually.True(() => stayer.UnackedCount == 0 && mover.UnackedCount == 0,
            () => $"acks after the loss (unacked: stayer {stayer.UnackedCount}, mover {mover.UnackedCount})\n--- first\n{first.Output}\n--- second\n{second.Output}", TimeSpan.FromSeconds(60));
        await Eventually.True(() => Rooms.All(r => watcher.FirstArrivalOf.ContainsKey(r)), "the watcher hears every room again");
        var recovery = watcher.FirstArrivalOf.Values.Max() - (DateTime.UtcNow - lost.Elapsed);
        output.WriteLine($"{(graceful ? "SIGTERM" : "kill -9")}: every room delivered again {recovery.TotalSeconds:F1} s after the loss");

        Assert.Equal(0, stayer.OwnEchoes);
        Assert.Equal(0, mover.OwnEchoes);

        // The record, read fresh from a surviving node: gapless, each (user, id) once, every ack in it at its seq.
        await using var auditor = await ClusterClients.ConnectAsync(first, "auditor");
        foreach (var room in Rooms)
        {
            var history = (await auditor.JoinAsync(room, since: 0)).GetProperty("messages").EnumerateArray().ToList();
            var seqs = history.Select(m => m.GetProperty("seq").GetInt64()).ToList();
            Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), seqs);
            var ids = history.Select(m => (m.GetProperty("from").GetString(), m.GetProperty("id").GetString())).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            foreach (var client in new[] { stayer, mover })
            {
                foreach (var ((ackedRoom, id), seq) in client.Acked.Where(a => a.Key.Room == room))
                    Assert.Equal((client.User, id), ids[(int)seq - 1]);
            }
            Assert.Equal(seqs, watcher.SeenSeqs(room).Order());
        }
    }
}
