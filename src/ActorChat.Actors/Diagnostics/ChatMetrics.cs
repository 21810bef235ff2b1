using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Cluster;

namespace ActorChat.Diagnostics;

/// <summary>
/// The server's OpenTelemetry instruments, all on the one <see cref="Meter"/> named <see cref="MeterName"/>.
/// They are static and carry no tags (never a room or user name), so recording one on the hot path costs a call
/// and no allocation, and nothing at all while no exporter listens.
/// </summary>
public static class ChatMetrics
{
    public const string MeterName = "ActorChat";

    private static readonly Meter Meter = new(MeterName);

    // The actor systems whose cluster the gauges read; written rarely under the lock, read without it.
    private static readonly Lock Gate = new();
    private static ActorSystem[] _systems = [];

    // Finer than OpenTelemetry's default buckets at the low end, where a healthy store and fan-out are.
    private static readonly InstrumentAdvice<double> MillisecondBuckets = new()
    {
        HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
    };

    /// <summary>WebSockets open on this node.</summary>
    public static readonly UpDownCounter<long> OpenConnections = Meter.CreateUpDownCounter<long>(
        "actorchat.connections.open", "{connection}", "WebSocket connections open on this node");

    /// <summary>Rooms recovered and serving on this node.</summary>
    public static readonly UpDownCounter<long> ActiveRooms = Meter.CreateUpDownCounter<long>(
        "actorchat.rooms.active", "{room}", "Rooms running on this node");

    /// <summary>Messages written to the journal by rooms on this node.</summary>
    public static readonly Counter<long> MessagesStored = Meter.CreateCounter<long>(
        "actorchat.messages.stored", "{message}", "Messages stored by rooms on this node");

    /// <summary>Frames handed to connections' outboxes on this node, of every type.</summary>
    public static readonly Counter<long> Deliveries = Meter.CreateCounter<long>(
        "actorchat.deliveries", "{frame}", "Frames queued for clients on this node");

    /// <summary>Connections closed with 1013 because their outbox was full.</summary>
    public static readonly Counter<long> OutboxOverflows = Meter.CreateCounter<long>(
        "actorchat.outbox.overflows", "{connection}", "Slow clients closed with 1013 because their outbox was full");

    /// <summary>Reads of a client's socket held back because it sent more bytes a second than it may.</summary>
    public static readonly Counter<long> InboundThrottled = Meter.CreateCounter<long>(
        "actorchat.inbound.throttled", "{read}", "Socket reads delayed because the client sent faster than InboundBytesPerSecond");

    /// <summary>From the start of a room's batch write to the journal to its completion.</summary>
    public static readonly Histogram<double> JournalWriteDuration = Meter.CreateHistogram(
        "actorchat.journal.write.duration", "ms", "Time to store one batch of a room's messages", tags: null, MillisecondBuckets);

    /// <summary>From a room accepting a send to handing the stored message on for fan-out.</summary>
    public static readonly Histogram<double> FanoutDelay = Meter.CreateHistogram(
        "actorchat.fanout.delay", "ms", "Time from a room accepting a send to its fan-out", tags: null, MillisecondBuckets);

    /// <summary>Cluster members with status Up, as this node sees them.</summary>
    public static readonly ObservableGauge<int> ClusterMembers = Meter.CreateObservableGauge(
        "actorchat.cluster.members", () => FromCluster(state => state.Members.Count(m => m.Status == MemberStatus.Up)),
        "{node}", "Cluster members with status Up, as this node sees them");

    /// <summary>Cluster members this node cannot reach.</summary>
    public static readonly ObservableGauge<int> UnreachableNodes = Meter.CreateObservableGauge(
        "actorchat.cluster.unreachable", () => FromCluster(state => state.Unreachable.Count),
        "{node}", "Cluster members this node finds unreachable");

    /// <summary>
    /// Lets the cluster gauges read <paramref name="system"/>'s view of its cluster until it terminates. A process
    /// normally runs one system; where several run (tests), the gauges read the newest that is still running.
    /// </summary>
    public static void ObserveCluster(ActorSystem system)
    {
        lock (Gate)
            _systems = [.. _systems, system];
        system.RegisterOnTermination(() =>
        {
            lock (Gate)
                _systems = [.. _systems.Where(running => running != system)];
        });
    }

    /// <summary>
    /// Records a zero on every counter, so that an exporter that started listening shows each of them from the start
    /// rather than from its first event (a scraper's rate of overflows needs a series before the first one).
    /// </summary>
    public static void StartAtZero()
    {
        OpenConnections.Add(0);
        ActiveRooms.Add(0);
        MessagesStored.Add(0);
        Deliveries.Add(0);
        OutboxOverflows.Add(0);
        InboundThrottled.Add(0);
    }

    private static IEnumerable<Measurement<int>> FromCluster(Func<ClusterEvent.CurrentClusterState, int> read)
    {
        var systems = Volatile.Read(ref _systems);
        return systems.Length == 0 ? [] : [new Measurement<int>(read(Cluster.Get(systems[^1]).State))];
    }
}
