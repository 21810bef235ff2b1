using Akka.Actor;

namespace ActorChat.Delivery;

/// <summary>
/// Hands what rooms send to the connections of this node, always with the room as the sender. A room reaches each
/// node through one hub, so everything it sends to one connection travels one first-in-first-out path. Members are
/// kept per room incarnation: a room that restarted elsewhere reaches only the connections it admitted itself.
/// </summary>
public sealed class DeliveryHub : ReceiveActor
{
    private readonly Dictionary<IActorRef, HashSet<IActorRef>> _membersOf = [];
    private readonly Dictionary<IActorRef, MemoryStream> _partsFrom = [];

    public DeliveryHub()
    {
        Receive<HubFanout>(fanout => Fanout(fanout, Sender));
        Receive<HubDirect>(direct => direct.Connection.Tell(direct.Delivery, Sender));
        Receive<HubAdmit>(admit => Admit(admit, Sender));
        Receive<HubDismiss>(dismiss => Dismiss(dismiss, Sender));
        Receive<HubPart>(part => Assemble(part, Sender));
        Receive<Terminated>(terminated =>
        {
            _membersOf.Remove(terminated.ActorRef);
            _partsFrom.Remove(terminated.ActorRef);
        });
    }

    private void Fanout(HubFanout fanout, IActorRef room)
    {
        if (!_membersOf.TryGetValue(room, out var members))
            return;
        foreach (var member in members)
        {
            if (!Contains(fanout.Except, member))
                member.Tell(fanout.Delivery, room);
        }
    }

    private void Admit(HubAdmit admit, IActorRef room)
    {
        if (!_membersOf.TryGetValue(room, out var members))
        {
            _membersOf[room] = members = [];
            Context.Watch(room);
        }
        members.Add(admit.Connection);
        admit.Connection.Tell(admit.Delivery, room);
    }

    private void Dismiss(HubDismiss dismiss, IActorRef room)
    {
        if (dismiss.Delivery is not null)
            dismiss.Connection.Tell(dismiss.Delivery, room);
        if (_membersOf.TryGetValue(room, out var members) && members.Remove(dismiss.Connection) && members.Count == 0)
        {
            _membersOf.Remove(room);
            Context.Unwatch(room);
        }
    }

    private void Assemble(HubPart part, IActorRef room)
    {
        if (part.Index == 0)
            _partsFrom[room] = new MemoryStream(part.Bytes.Length * part.Count);
        if (!_partsFrom.TryGetValue(room, out var whole))
            return;
        whole.Write(part.Bytes);
        if (part.Index < part.Count - 1)
            return;
        _partsFrom.Remove(room);
        var message = DeliveryHubs.Get(Context.System).Reassemble(whole.ToArray(), part);
        switch (message)
        {
            case HubAdmit admit: Admit(admit, room); break;
            case HubDirect direct: direct.Connection.Tell(direct.Delivery, room); break;
            case HubDismiss dismiss: Dismiss(dismiss, room); break;
            case HubFanout fanout: Fanout(fanout, room); break;
        }
    }

    private static bool Contains(IReadOnlyList<IActorRef> refs, IActorRef candidate)
    {
        for (var i = 0; i < refs.Count; i++)
        {
            if (refs[i].Equals(candidate))
                return true;
        }
        return false;
    }
}
