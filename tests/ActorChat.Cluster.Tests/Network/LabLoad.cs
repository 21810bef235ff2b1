using System.Collections.Concurrent;
using System.Globalization;
using ActorChat.Testing;

namespace ActorChat.Cluster.Tests.Network;

/// <summary>
/// Clients on every node of a <see cref="LabCluster"/>, each a member of every room, each sending to its rooms in turn
/// on a steady beat; a client whose node goes away comes back through nginx, resumes every room from the last seq it
/// saw and sends again what was never acknowledged, as a real client does. Then an audit of what everyone saw.
/// </summary>
public sealed class LabLoad : IAsyncDisposable
{
    private readonly LabCluster _cluster;
    private readonly string[] _rooms;
    private readonly List<TrackedClient> _clients = [];
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentDictionary<TrackedClient, ConcurrentQueue<(string Room, string Id)>> _probes = new();
    private CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    private LabLoad(LabCluster cluster, string[] rooms) => (_cluster, _rooms) = (cluster, rooms);

    public IReadOnlyList<TrackedClient> Clients => _clients;

    /// <summary>Faults the load itself met (a failed reconnect, say): none in a passing run.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary><paramref name="perNode"/> clients connected straight to each node, every one a member of each of <paramref name="rooms"/>.</summary>
    public static async Task<LabLoad> ConnectAsync(LabCluster cluster, string[] rooms, int perNode)
    {
        var load = new LabLoad(cluster, rooms);
        for (var node = 1; node <= cluster.Size; node++)
        {
            for (var k = 0; k < perNode; k++)
            {
                var (user, at) = ($"n{node}_c{k}", cluster[node]);
                await ClusterClients.RegisterAsync(at, user);
                load._clients.Add(await TrackedClient.ConnectAsync(() => ClusterClients.ConnectAsync(at, user), user));
            }
        }
        foreach (var client in load._clients)
        {
            foreach (var room in rooms)
                await client.JoinAsync(room);
        }
        await Eventually.True(() => load._clients.All(client => rooms.All(room => client.JoinedCount(room) > 0)), "every client joined every room",
            TimeSpan.FromSeconds(120));
        return load;
    }

    /// <summary>Starts sending: each client one message every <paramref name="every"/>, ids starting with <paramref name="prefix"/>.</summary>
    public void Start(TimeSpan every, string prefix)
    {
        _stop = new CancellationTokenSource();
        _running = Task.WhenAll(_clients.Select((client, k) => SendAsync(client, k, every, prefix, _stop.Token)));
    }

    /// <summary>
    /// Has each of <paramref name="clients"/> send, at its next beat, one message to every room of
    /// <paramref name="rooms"/> besides its turn, ids starting with <paramref name="prefix"/>: every room then has a
    /// send outstanding at once, and its first ack tells when it serves again, not when its turn came.
    /// </summary>
    public void Probe(IEnumerable<TrackedClient> clients, IReadOnlyCollection<string> rooms, string prefix)
    {
        foreach (var client in clients)
        {
            var queue = _probes.GetOrAdd(client, _ => new ConcurrentQueue<(string Room, string Id)>());
            foreach (var room in rooms)
                queue.Enqueue((room, $"{prefix}probe-{room}"));
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    private async Task SendAsync(TrackedClient client, int k, TimeSpan every, string prefix, CancellationToken stop)
    {
        using var beat = new PeriodicTimer(every);
        var n = 0;
        try
        {
            while (await beat.WaitForNextTickAsync(stop))
            {
                if (client.IsClosed)
                    await ComeBackAsync(client);
                if (_probes.TryGetValue(client, out var probes))
                {
                    while (probes.TryDequeue(out var probe))
                        await client.SendAsync(probe.Room, probe.Id, TrackedClient.Stamped($"{client.User} {probe.Id}"));
                }
                var room = _rooms[(k + n) % _rooms.Length];
                var id = string.Create(CultureInfo.InvariantCulture, $"{prefix}{n}");
                await client.SendAsync(room, id, TrackedClient.Stamped($"{client.User} {id}"));
                n++;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException e)
        {
            // A client that could not come back (recorded there) has nothing left to send on.
            _failures.Enqueue($"{client.User} stopped sending: {e.Message}");
        }
    }

    /// <summary>Brings back, through nginx, every client whose node went away (and resends what it never had acknowledged).</summary>
    public Task ComeBackAsync() => Task.WhenAll(_clients.Where(client => client.IsClosed).Select(ComeBackAsync));

    private async Task ComeBackAsync(TrackedClient client)
    {
        try
        {
            await client.ResumeOnAsync(() => _cluster.ConnectThroughBalancerAsync(client.User), _rooms);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failures.Enqueue($"{client.User} could not come back: {e.Message}");
        }
    }

    /// <summary>
    /// The record, read fresh through nginx: every room gapless, each (user, id) stored once, every acknowledged send
    /// in it at the seq its ack gave, and every client saw every message of every room.
    /// </summary>
    public async Task<int> AuditAsync(string auditor)
    {
        await ClusterClients.RegisterAsync(_cluster[1], auditor);
        await using var reader = await _cluster.ConnectThroughBalancerAsync(auditor);
        var stored = 0;
        foreach (var room in _rooms)
        {
            var joined = await reader.JoinAsync(room, since: 0);
            var history = joined.GetProperty("messages").EnumerateArray().ToList();
            var latest = joined.GetProperty("seq").GetInt64();
            var seqs = history.Select(m => m.GetProperty("seq").GetInt64()).ToList();
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
            var ids = history.Select(m => (m.GetProperty("from").GetString(), m.GetProperty("id").GetString())).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            foreach (var client in _clients)
            {
                foreach (var ((_, id), seq) in client.Acked.Where(a => a.Key.Room == room))
                {
                    // Said plainly when an acknowledged message is not in the room: which, where, what the room holds and
                    // what its journal holds (more events there than the room's revision: an incarnation that recovered
                    // before a write of another one landed; as many: a write acknowledged and lost).
                    if (seq < 1 || seq > ids.Count)
                    {
                        Assert.Fail($"{room}: {client.User}'s {id} was acknowledged at seq {seq}; the room's latest is {latest} at revision " +
                            $"{(joined.TryGetProperty("rev", out var rev) ? rev.GetInt64() : 0)}, its replay holds {ids.Count} messages" +
                            $"{(joined.TryGetProperty("truncated", out _) ? " (truncated)" : "")}; the journal: {await _cluster.DescribeJournalAsync("room-" + room)}");
                    }
                    Assert.Equal((client.User, id), ids[(int)seq - 1]);
                }
                Assert.Equal(seqs, client.SeenSeqs(room).Order());
                // And what each member saw at each seq is the message stored there.
                foreach (var seq in seqs)
                    Assert.Equal(ids[(int)seq - 1], client.SenderAndIdAt(room, seq));
            }
            stored += seqs.Count;
        }
        return stored;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var client in _clients)
            await client.DisposeAsync();
        _stop.Dispose();
    }
}
