using ActorChat.Serialization;

namespace ActorChat.Diagnostics;

/// <summary>
/// Asks a node for its <see cref="NodeFigures"/>: sent by the operator console of any node to the figures actor of
/// every member, so that one console shows the whole cluster. It crosses nodes only while a console is open.
/// </summary>
public sealed record GetNodeFigures : IWireMessage
{
    public static GetNodeFigures Instance { get; } = new();
}

/// <summary>
/// One node's figures as its own meters (the instruments of <see cref="ChatMetrics"/>) give them: what runs on it now,
/// totals since it started, and rates over the interval between its two latest readings.
/// </summary>
/// <param name="Node">The node's address (akka.tcp://actorchat@host:port).</param>
/// <param name="Metered">False when the node collects no metrics (its management endpoint is off): no figures then.</param>
public sealed record NodeFigures(string Node, bool Metered) : IWireMessage
{
    /// <summary>Rooms running on the node.</summary>
    public long Rooms { get; init; }

    /// <summary>WebSockets open on the node.</summary>
    public long Connections { get; init; }

    /// <summary>Messages its rooms stored since it started.</summary>
    public long MessagesStored { get; init; }

    /// <summary>Frames queued for its clients since it started.</summary>
    public long Deliveries { get; init; }

    public long OutboxOverflows { get; init; }

    public long InboundThrottled { get; init; }

    /// <summary>Members this node finds unreachable.</summary>
    public int UnreachableNodes { get; init; }

    /// <summary>Seconds between the two readings the rates are taken over; 0 before the node has two readings (no rates yet).</summary>
    public double IntervalSeconds { get; init; }

    public double MessagesStoredPerSecond { get; init; }

    public double DeliveriesPerSecond { get; init; }

    /// <summary>The journal's batch writes in the interval; null when there was none.</summary>
    public JournalWrites? JournalWrites { get; init; }
}

/// <summary>The journal's batch writes over an interval, in milliseconds; the percentiles are estimated from the histogram's buckets.</summary>
public sealed record JournalWrites(long Count, double Mean, double P50, double P99);
