using Akka.Actor;
using Akka.Serialization;

namespace ActorChat.Serialization;

/// <summary>
/// Every message that crosses nodes, as the Protobuf contract of <c>wire.proto</c> that <see cref="WireContracts"/>
/// names for it. Fields are found by number, so a node reads what a node of another version sends: fields it does
/// not know are skipped, fields not sent read as their defaults. Frames travel as the very bytes the room
/// serialized once, so a fan-out costs no re-encoding on the receiving node.
/// </summary>
public sealed class ProtobufWireSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 7304;

    private readonly WireContracts _contracts = new(system);

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => _contracts.Manifest(o);

    public override byte[] ToBinary(object obj) => _contracts.Write(obj);

    public override object FromBinary(byte[] bytes, string manifest) => _contracts.Read(bytes, manifest);

    /// <summary>Every type with a contract, for the test that no wire message lacks one.</summary>
    internal IEnumerable<Type> Types => _contracts.Types;
}
