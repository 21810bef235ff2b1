using System.Diagnostics;
using ActorChat.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace ActorChat.Host.Management;

/// <summary>
/// Answers <see cref="GetNodeFigures"/> for this node, asked by the operator console of any node. It reads the meters
/// at most once a second however many consoles ask, and takes the rates over the interval between its two latest
/// readings. Every node runs one, at <c>/user/node-figures</c>.
/// </summary>
public sealed class NodeFiguresActor : ReceiveActor
{
    public const string Name = "node-figures";

    // A reading younger than this answers again: the rates of a shorter interval would say little.
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _waiting = [];
    private MeterReading? _latest;
    private NodeFigures? _figures;

    /// <param name="read">Takes a reading of this node's meters; null when the node collects no metrics.</param>
    public NodeFiguresActor(Func<Task<MeterReading>>? read)
    {
        var node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        Receive<GetNodeFigures>(_ =>
        {
            if (read is null)
                Sender.Tell(new NodeFigures(node, Metered: false));
            else if (_figures is not null && Stopwatch.GetElapsedTime(_latest!.At) < Fresh)
                Sender.Tell(_figures);
            else
            {
                _waiting.Add(Sender);
                // One reading at a time: whoever asks meanwhile gets the answer of the one under way.
                if (_waiting.Count == 1)
                    read().PipeTo(Self);
            }
        });
        Receive<MeterReading>(reading =>
        {
            _figures = Figures(node, _latest, reading);
            _latest = reading;
            Answer(_figures);
        });
        Receive<Status.Failure>(failed =>
        {
            // No answer at all: the consoles that asked show this node as not answering. (A failure sent back would
            // carry the exception across nodes, which has no serializer here.)
            _log.Warning(failed.Cause, "This node's meters could not be read for the operator console");
            _waiting.Clear();
        });
    }

    public static Props PropsFor(Func<Task<MeterReading>>? read) => Props.Create(() => new NodeFiguresActor(read));

    private void Answer(NodeFigures answer)
    {
        foreach (var asker in _waiting)
            asker.Tell(answer);
        _waiting.Clear();
    }

    /// <summary>The figures of <paramref name="now"/>, with rates since <paramref name="earlier"/> when there is one.</summary>
    internal static NodeFigures Figures(string node, MeterReading? earlier, MeterReading now)
    {
        var figures = new NodeFigures(node, Metered: true)
        {
            Rooms = (long)now.Value("actorchat_rooms_active"),
            Connections = (long)now.Value("actorchat_connections_open"),
            MessagesStored = (long)now.Value(Stored),
            Deliveries = (long)now.Value(Delivered),
            OutboxOverflows = (long)now.Value("actorchat_outbox_overflows_total"),
            InboundThrottled = (long)now.Value("actorchat_inbound_throttled_total"),
            UnreachableNodes = (int)now.Value("actorchat_cluster_unreachable"),
        };
        if (earlier is null)
            return figures;
        var seconds = Stopwatch.GetElapsedTime(earlier.At, now.At).TotalSeconds;
        if (seconds <= 0)
            return figures;
        return figures with
        {
            IntervalSeconds = seconds,
            MessagesStoredPerSecond = Delta(earlier, now, Stored) / seconds,
            DeliveriesPerSecond = Delta(earlier, now, Delivered) / seconds,
            JournalWrites = JournalWritesBetween(earlier, now),
        };
    }

    private const string Stored = "actorchat_messages_stored_total";
    private const string Delivered = "actorchat_deliveries_total";
    private const string JournalWrite = "actorchat_journal_write_duration_milliseconds";

    // Counters only grow; a reading of another exporter's start would not, and counts as nothing.
    private static double Delta(MeterReading earlier, MeterReading now, string name) => Math.Max(0, now.Value(name) - earlier.Value(name));

    private static JournalWrites? JournalWritesBetween(MeterReading earlier, MeterReading now)
    {
        var count = Delta(earlier, now, JournalWrite + "_count");
        if (count <= 0)
            return null;
        var before = earlier.Buckets(JournalWrite).ToDictionary(b => b.Bound, b => b.Count);
        var buckets = now.Buckets(JournalWrite).Select(b => (b.Bound, Count: Math.Max(0, b.Count - before.GetValueOrDefault(b.Bound)))).ToList();
        return new JournalWrites((long)count, Delta(earlier, now, JournalWrite + "_sum") / count, Quantile(0.5, buckets), Quantile(0.99, buckets));
    }

    /// <summary>
    /// The <paramref name="q"/> quantile of cumulative <paramref name="buckets"/>, interpolated within its bucket as
    /// Prometheus' <c>histogram_quantile</c> does; in the last, unbounded bucket, the highest bound there is.
    /// </summary>
    internal static double Quantile(double q, IReadOnlyList<(double Bound, double Count)> buckets)
    {
        if (buckets.Count == 0 || buckets[^1].Count <= 0)
            return 0;
        var rank = q * buckets[^1].Count;
        var (lower, below) = (0.0, 0.0);
        foreach (var (bound, count) in buckets)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(bound))
                    return lower;
                return count == below ? bound : lower + ((bound - lower) * (rank - below) / (count - below));
            }
            (lower, below) = (bound, count);
        }
        return lower;
    }
}
