using Akka.Actor;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace ActorChat.Serialization;

/// <summary>
/// Bound to System.Object in HOCON.conf in place of Akka's JSON fallback: a type without a serializer of its own
/// is refused loudly instead of crossing the network, or reaching the journal, as reflection-driven JSON.
/// </summary>
public sealed class UnregisteredTypeSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public const int SerializerId = 7303;

    public override int Identifier => SerializerId;

    public override bool IncludeManifest => true;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj.GetType().FullName} has no registered serializer; bind it in HOCON.conf");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException($"{type?.FullName ?? "a message"} arrived with the refusing serializer's id");
}
