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
        // The stayer creates the rooms, so owns them, and makes the mover a moderator of each.
        foreach (var room in Rooms)
            await stayer.CreateAsync(room);
        await Eventually.True(() => Rooms.All(r => stayer.JoinedCount(r) == 1), "the rooms created");
        foreach (var room in Rooms)
        {
            foreach (var client in new[] { watcher, mover })
                await client.JoinAsync(room);
            await stayer.SendFrameAsync(new { type = "role", room, id = $"role-{room}", user = "mover", role = "moderator" });
        }
        await Eventually.True(() => Rooms.All(r => stayer.JoinedCount(r) + watcher.JoinedCount(r) + mover.JoinedCount(r) == 3
            && stayer.ModerationAcks.ContainsKey((r, $"role-{r}"))), "everyone joined, the mover a moderator");

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

        // The stayer's node survives: it just keeps talking and moderating, and expects its sockets and rooms to carry on.
        for (var i = 0; i < 3; i++)
        {
            foreach (var room in Rooms)
                await stayer.SendAsync(room, $"after-s{i}", $"after the loss {i}");
        }
        foreach (var room in Rooms)
            await stayer.ModerateAsync(room, $"ban-{room}", "ban", "troll", "spam during the outage");
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
        // The mover kicks its troll and, unsure, sends the same kick again: a client retrying by id.
        foreach (var room in Rooms)
        {
            await mover.ModerateAsync(room, $"kick-{room}", "kick", "troll2", "spam");
            await mover.SendFrameAsync(new { type = "kick", room, id = $"kick-{room}", user = "troll2", reason = "spam" });
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

        // Every moderation of the outage was applied once: one entry each in the log, at the revision its ack named.
        Assert.Equal((0, 0), (stayer.RepeatedModerationAcks, mover.RepeatedModerationAcks));
        foreach (var room in Rooms)
            await stayer.SendFrameAsync(new { type = "moderation_log", room });
        await Eventually.True(() => Rooms.All(r => stayer.OtherFrames.Any(f => IsLogOf(f, r))), "the moderation log of every room");
        foreach (var room in Rooms)
        {
            var entries = stayer.OtherFrames.Single(f => IsLogOf(f, room)).GetProperty("entries").EnumerateArray()
                .Select(e => (Rev: e.GetProperty("rev").GetInt64(), Action: e.GetProperty("action").GetString(), By: e.GetProperty("by").GetString(), User: e.GetProperty("user").GetString()))
                .ToList();
            Assert.Equal([(stayer.ModerationAcks[(room, $"ban-{room}")], "ban", "stayer", "troll")], entries.Where(e => e.Action == "ban"));
            Assert.Equal([(mover.ModerationAcks[(room, $"kick-{room}")], "kick", "mover", "troll2")], entries.Where(e => e.Action == "kick"));
            Assert.True(watcher.OtherFrames.Count(f => f.GetProperty("type").GetString() == "moderation" && f.GetProperty("room").GetString() == room
                && f.GetProperty("action").GetString() == "ban") <= 1, $"the ban in {room} announced twice");
        }
    }

    private static bool IsLogOf(System.Text.Json.JsonElement frame, string room) =>
        frame.GetProperty("type").GetString() == "moderation_log" && frame.GetProperty("room").GetString() == room;
}
