using ActorChat.Connections;
using ActorChat.Protocol;
using Akka.Actor;

namespace ActorChat.Rooms;

// How far members have read and received the room: read markers are relayed to everyone present; received markers
// reach only the senders of the messages they cover, gathered into one frame per sender per interval.
public sealed partial class RoomActor
{
    /// <summary>The shortest time between two <c>received</c> frames to one sender.</summary>
    private static readonly TimeSpan ReceiptInterval = TimeSpan.FromSeconds(1);

    private void OnMarkRead(MarkRead read)
    {
        if (!_members.Contains(Sender))
            return;
        if (!_reads.TryMove(read.User, read.Seq, _tail.Seq, out var seq))
            return;
        _delivery.Broadcast(new Deliver(ServerFrames.Read(_room, read.User, seq)), except: [Sender]);
        // Stored once, by the marker store; the unread counts of the message table follow from it.
        _readMarkerStore.Tell(new ReadMarkersActor.Remember(read.User, seq));
    }

    private void OnMarkReceived(MarkReceived received)
    {
        if (!_members.Contains(Sender))
            return;
        if (!_receipts.TryMove(received.User, received.Seq, _tail.Seq, _tail.Recent, out var seq))
            return;
        _readMarkerStore.Tell(new ReadMarkersActor.RememberReceived(received.User, seq));
        if (_receipts.HasDue && !Timers.IsTimerActive(nameof(ReceiptsDue)))
            Timers.StartSingleTimer(nameof(ReceiptsDue), ReceiptsDue.Instance, ReceiptInterval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private void SendReceipts()
    {
        foreach (var receipt in _receipts.TakeDue())
        {
            var frame = new Deliver(ServerFrames.Received(_room, receipt.Seq, receipt.Count, receipt.Users));
            foreach (var connection in _members.ConnectionsOf(receipt.Sender))
                _delivery.SendTo(connection, frame);
        }
    }

    // A sender back in the room hears how far the others got with their newest message, after the join's answer.
    private void SendLatestReceipt(string user, IActorRef connection)
    {
        if (_receipts.Latest(user, _tail.Recent, _tail.Seq) is { } receipt)
            _delivery.SendTo(connection, new Deliver(ServerFrames.Received(_room, receipt.Seq, receipt.Count, receipt.Users)));
    }

    private sealed record ReceiptsDue : INoSerializationVerificationNeeded, INotInfluenceReceiveTimeout
    {
        public static readonly ReceiptsDue Instance = new();
    }
}
