using ActorChat.Connections;
using ActorChat.Protocol;
using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>
/// How far the members of one room have read it and received it: read markers are relayed to everyone present,
/// received markers reach only the senders of the messages they cover, gathered into one frame per sender per
/// <see cref="ReceiptInterval"/>. Both are stored by the room's <see cref="ReadMarkersActor"/>, and known to the room
/// once that store has recovered them (<see cref="Recovered"/>).
/// </summary>
/// <param name="store">The room's marker store, a child of the room.</param>
/// <param name="owner">The room, on whose timers the receipts due are sent (<see cref="ReceiptsDue"/>).</param>
internal sealed class RoomMarkers(string room, RoomTail tail, RoomMembers members, RoomDelivery delivery, IActorRef store, IWithTimers owner)
{
    /// <summary>The shortest time between two <c>received</c> frames to one sender.</summary>
    public static readonly TimeSpan ReceiptInterval = TimeSpan.FromSeconds(1);

    /// <summary>The room's timer ran out: send the receipts due (<see cref="SendDueReceipts"/>).</summary>
    public sealed record ReceiptsDue : INoSerializationVerificationNeeded, INotInfluenceReceiveTimeout
    {
        public static readonly ReceiptsDue Instance = new();
    }

    private readonly RoomReads _reads = new();
    private readonly RoomReceipts _receipts = new();

    /// <summary>True until the store has given back what it holds: a join cannot be answered truthfully before.</summary>
    public bool Recovering { get; private set; } = true;

    /// <summary>How far each user read, for join answers.</summary>
    public RoomReads Reads => _reads;

    public bool IsStore(IActorRef actor) => actor.Equals(store);

    public void Recovered(ReadMarkersActor.Recovered recovered)
    {
        _reads.Recovered(recovered.Markers);
        _receipts.Recovered(recovered.Received);
        Recovering = false;
    }

    /// <summary>A member's read marker moves: everyone else present hears of it, and the store keeps it.</summary>
    public void Read(MarkRead read, IActorRef sender)
    {
        if (!members.Contains(sender) || !_reads.TryMove(read.User, read.Seq, tail.Seq, out var seq))
            return;
        delivery.Broadcast(new Deliver(ServerFrames.Read(room, read.User, seq)), except: [sender]);
        // Stored once, by the marker store; the unread counts of the message table follow from it.
        store.Tell(new ReadMarkersActor.Remember(read.User, seq));
    }

    /// <summary>A member's device received up to a seq: the receipts it makes due go out within <see cref="ReceiptInterval"/>.</summary>
    public void Received(MarkReceived received, IActorRef sender)
    {
        if (!members.Contains(sender) || !_receipts.TryMove(received.User, received.Seq, tail.Seq, tail.Recent, out var seq))
            return;
        store.Tell(new ReadMarkersActor.RememberReceived(received.User, seq));
        if (_receipts.HasDue && !owner.Timers.IsTimerActive(nameof(ReceiptsDue)))
            owner.Timers.StartSingleTimer(nameof(ReceiptsDue), ReceiptsDue.Instance, ReceiptInterval);
    }

    /// <summary>Tells each sender how far the others got with their messages since the last receipts.</summary>
    public void SendDueReceipts()
    {
        foreach (var receipt in _receipts.TakeDue())
        {
            var frame = new Deliver(ServerFrames.Received(room, receipt.Seq, receipt.Count, receipt.Users));
            foreach (var connection in members.ConnectionsOf(receipt.Sender))
                delivery.SendTo(connection, frame);
        }
    }

    /// <summary>A sender back in the room hears how far the others got with their newest message, after the join's answer.</summary>
    public void SendLatestReceipt(string user, IActorRef connection)
    {
        if (_receipts.Latest(user, tail.Recent, tail.Seq) is { } receipt)
            delivery.SendTo(connection, new Deliver(ServerFrames.Received(room, receipt.Seq, receipt.Count, receipt.Users)));
    }
}
