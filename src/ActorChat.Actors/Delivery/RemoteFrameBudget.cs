using ActorChat.Connections;
using ActorChat.Protocol;
using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Delivery;

/// <summary>
/// Akka.Remote drops a message larger than <c>maximum-frame-size</c>, silently for the sender. Deliveries from
/// rooms cross nodes in parts (<see cref="DeliveryHubs.PartBytes"/>); what a connection sends its room crosses
/// whole, and the largest such message is bounded by the protocol's limits and
/// <see cref="ConnectionSettings.MaxUnackedSends"/>. This checks at start-up that it fits.
/// </summary>
public static class RemoteFrameBudget
{
    /// <summary>Room for what Akka.Remote adds around a message: recipient and sender paths, serializer id, manifest.</summary>
    public const int EnvelopeAllowance = 4096;

    /// <summary>Three UTF-8 bytes for every character: the widest any string of UTF-16 characters encodes to.</summary>
    private const char Widest = '\u20AC';

    /// <summary>The serialized size of the largest message a connection sends whole to a room on another node.</summary>
    public static int LargestWholeMessage(ActorSystem system, ConnectionSettings settings)
    {
        var room = new string('r', Limits.MaxRoomLength);
        var user = new string('u', 32);
        var id = new string(Widest, Limits.MaxClientIdLength);
        var hub = DeliveryHubs.Get(system).For(room);
        var join = new Join(room, user, long.MaxValue, hub, Enumerable.Repeat(id, settings.MaxUnackedSends).ToArray());
        var post = new Post(room, user, id, new string(Widest, Limits.MaxTextLength));
        return Math.Max(SizeOf(system, join), SizeOf(system, post));
    }

    /// <summary>Fails start-up when Akka.Remote's frame limit cannot carry the largest whole message.</summary>
    public static void Check(ActorSystem system, ConnectionSettings settings)
    {
        var limit = system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? 128_000;
        var needed = LargestWholeMessage(system, settings) + EnvelopeAllowance;
        if (needed > limit)
        {
            throw new InvalidOperationException(
                $"akka.remote.dot-netty.tcp.maximum-frame-size is {limit} bytes, but a join carrying {settings.MaxUnackedSends} unacknowledged send ids " +
                $"({ConnectionSettings.Section}:{nameof(ConnectionSettings.MaxUnackedSends)}) can take {needed} bytes between nodes: raise the frame size or lower the setting.");
        }
    }

    private static int SizeOf(ActorSystem system, object message) =>
        system.Serialization.FindSerializerFor(message).ToBinary(message).Length;
}
