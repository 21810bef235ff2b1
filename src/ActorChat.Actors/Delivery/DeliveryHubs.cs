using ActorChat.Connections;
using ActorChat.Serialization;
using Akka.Actor;

namespace ActorChat.Delivery;

/// <summary>
/// This node's delivery hubs, a fixed set of plain local actors partitioned by room name, so that busy rooms spread
/// over the cores while each room reaches this node through exactly one of them.
/// </summary>
public sealed class DeliveryHubs : IExtension
{
    private readonly IActorRef[] _hubs;
    private readonly Akka.Serialization.Serialization _serialization;
    private Akka.Serialization.SerializerWithStringManifest? _wire;

    public DeliveryHubs(ExtendedActorSystem system)
    {
        var configured = SettingsSetup.Find<ConnectionSettings>(system)?.DeliveryHubs ?? 0;
        var count = configured > 0 ? configured : Environment.ProcessorCount;
        // Half the remote frame limit leaves room for the envelope: addresses, manifests, the part's own fields.
        PartBytes = (int)Math.Min(int.MaxValue, system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? 128_000) / 2;
        _serialization = system.Serialization;
        _hubs = new IActorRef[count];
        for (var i = 0; i < count; i++)
            _hubs[i] = system.SystemActorOf(Props.Create<DeliveryHub>(), $"delivery-hub-{i}");
    }

    /// <summary>
    /// The largest message a room sends to another node's hub: half of Akka.Remote's maximum frame size. A delivery
    /// that would be larger (a long replay, a page of history) crosses in parts of this size.
    /// </summary>
    public int PartBytes { get; }

    /// <summary>Sends <paramref name="message"/> from <paramref name="room"/> to a hub, in parts when it would not fit in one remote frame.</summary>
    public void Send(IActorRef hub, IWireMessage message, object delivery, IActorRef room)
    {
        if (hub.Path.Address.HasLocalScope || FrameLength(delivery) < PartBytes / 2)
        {
            hub.Tell(message, room);
            return;
        }
        // The encoding this node writes for other nodes: Protobuf, or the earlier binary one during an upgrade.
        var wire = _wire ??= (Akka.Serialization.SerializerWithStringManifest)_serialization.FindSerializerForType(typeof(HubFanout));
        var bytes = wire.ToBinary(message);
        var manifest = wire.Manifest(message);
        var count = (bytes.Length + PartBytes - 1) / PartBytes;
        for (var i = 0; i < count; i++)
            hub.Tell(new HubPart(manifest, i, count, bytes.AsSpan(i * PartBytes, Math.Min(PartBytes, bytes.Length - (i * PartBytes))).ToArray(), wire.Identifier), room);
    }

    private static int FrameLength(object delivery) => delivery switch
    {
        Deliver d => d.Frame.Length,
        DeliverBatch d => d.Frames.Sum(frame => frame.Length),
        DeliverSequenced d => d.Frame.Length,
        Acked d => d.Frame.Length,
        JoinedRoom d => d.Frame.Length + (d.Reads?.Sum(frame => frame.Length) ?? 0),
        LeftRoom d => d.Frame.Length,
        _ => 0,
    };

    /// <summary>A hub message put together again from its parts.</summary>
    internal object Reassemble(byte[] bytes, HubPart last) => _serialization.Deserialize(bytes, last.Serializer, last.Manifest);

    public static DeliveryHubs Get(ActorSystem system) => system.WithExtension<DeliveryHubs, DeliveryHubsProvider>();

    /// <summary>The hub through which every room of this name reaches this node's connections.</summary>
    public IActorRef For(string room) => _hubs[(int)((uint)StringComparer.Ordinal.GetHashCode(room) % (uint)_hubs.Length)];
}

public sealed class DeliveryHubsProvider : ExtensionIdProvider<DeliveryHubs>
{
    public override DeliveryHubs CreateExtension(ExtendedActorSystem system) => new(system);
}
