using ActorChat.Connections;
using ActorChat.Delivery;
using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>
/// How a room reaches its members: everything goes through the hub of each member's node, one message per node
/// for a fan-out, and one first-in-first-out path from the room to each connection, whether the answer is for one
/// member or for all (an ack that overtook its message would make the connection drop that message as seen).
/// </summary>
internal sealed class RoomDelivery(RoomMembers members, DeliveryHubs hubs, IActorRef room)
{
    /// <summary>Answers a join; the member's hub hands it this incarnation's fan-out from then on.</summary>
    public void Admit(IActorRef connection, JoinedRoom answer) =>
        hubs.Send(members.HubOf(connection)!, new HubAdmit(connection, answer), answer, room);

    /// <summary>Tells the member's hub to stop handing it this room's fan-out, after <paramref name="left"/> if any.</summary>
    public void Dismiss(IActorRef connection, object? left)
    {
        if (members.HubOf(connection) is { } hub)
            hub.Tell(new HubDismiss(connection, left), room);
        else if (left is not null)
            connection.Tell(left, room);
    }

    public void SendTo(IActorRef connection, object delivery)
    {
        if (members.HubOf(connection) is { } hub)
            hubs.Send(hub, new HubDirect(connection, delivery), delivery, room);
        else
            connection.Tell(delivery, room);
    }

    public void Broadcast(object delivery, IReadOnlyList<IActorRef> except)
    {
        foreach (var hub in members.Hubs)
            hub.Tell(new HubFanout(ExceptBehind(hub, except), delivery), room);
    }

    // Each hub is told only of the exceptions it reaches: usually none, or the one sender.
    private IReadOnlyList<IActorRef> ExceptBehind(IActorRef hub, IReadOnlyList<IActorRef> except)
    {
        if (except.Count == 0 || (except.Count == 1 && hub.Equals(members.HubOf(except[0]))))
            return except;
        return except.Where(connection => hub.Equals(members.HubOf(connection))).ToArray();
    }
}
