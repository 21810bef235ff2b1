using ActorChat.Diagnostics;
using W = ActorChat.Serialization.Contracts;

namespace ActorChat.Serialization;

/// <summary>The contracts of what the operator console asks every node and what each answers.</summary>
internal static class DiagnosticsContracts
{
    public static void AddTo(WireContracts wire)
    {
        wire.Add<GetNodeFigures, W.GetNodeFigures>("get-node-figures", _ => new(), _ => GetNodeFigures.Instance);
        wire.Add<NodeFigures, W.NodeFigures>("node-figures", m => new()
            {
                Node = m.Node,
                Metered = m.Metered,
                Rooms = m.Rooms,
                Connections = m.Connections,
                MessagesStored = m.MessagesStored,
                Deliveries = m.Deliveries,
                OutboxOverflows = m.OutboxOverflows,
                InboundThrottled = m.InboundThrottled,
                UnreachableNodes = m.UnreachableNodes,
                IntervalSeconds = m.IntervalSeconds,
                MessagesStoredPerSecond = m.MessagesStoredPerSecond,
                DeliveriesPerSecond = m.DeliveriesPerSecond,
                JournalWrites = m.JournalWrites is { } j ? new() { Count = j.Count, Mean = j.Mean, P50 = j.P50, P99 = j.P99 } : null,
            },
            p => new(p.Node, p.Metered)
            {
                Rooms = p.Rooms,
                Connections = p.Connections,
                MessagesStored = p.MessagesStored,
                Deliveries = p.Deliveries,
                OutboxOverflows = p.OutboxOverflows,
                InboundThrottled = p.InboundThrottled,
                UnreachableNodes = p.UnreachableNodes,
                IntervalSeconds = p.IntervalSeconds,
                MessagesStoredPerSecond = p.MessagesStoredPerSecond,
                DeliveriesPerSecond = p.DeliveriesPerSecond,
                JournalWrites = p.JournalWrites is { } j ? new(j.Count, j.Mean, j.P50, j.P99) : null,
            });
    }
}
