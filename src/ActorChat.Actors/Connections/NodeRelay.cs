using ActorChat.Serialization;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// Everything a room sends to the connections of one node, in one message: the frame crosses the network once
/// and this node hands the very same bytes to each of its local recipients.
/// </summary>
/// <param name="Recipients">The room's member connections on the receiving node.</param>
/// <param name="Except">Connections among them that must not get it (the sender of a message gets an ack instead).</param>
/// <param name="Delivery">The delivery itself: <see cref="Deliver"/>, <see cref="DeliverSequenced"/>, <see cref="Acked"/>, <see cref="JoinedRoom"/> or <see cref="LeftRoom"/>.</param>
public sealed record Relayed(IReadOnlyList<IActorRef> Recipients, IReadOnlyList<IActorRef> Except, object Delivery) : IWireMessage;

/// <summary>
/// One per node, at <c>/user/relay</c>: hands what rooms relay to the node's connections, keeping the room as the
/// sender, so a connection sees one ordered stream from each room whichever node the room lives on.
/// </summary>
public sealed class NodeRelay : ReceiveActor
{
    public const string Name = "relay";

    public NodeRelay()
    {
        Receive<Relayed>(relayed =>
        {
            foreach (var recipient in relayed.Recipients)
            {
                if (!Contains(relayed.Except, recipient))
                    recipient.Tell(relayed.Delivery, Sender);
            }
        });
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
