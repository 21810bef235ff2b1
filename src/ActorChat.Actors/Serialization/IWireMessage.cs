namespace ActorChat.Serialization;

/// <summary>
/// Marks a message that may cross between nodes; bound to <see cref="ProtobufWireSerializer"/> in HOCON.conf, and each
/// such message to <see cref="BinaryWireSerializer"/> by <c>ChatHosting.AddActorChat</c> while
/// <c>ActorChat:Cluster:WireFormat</c> is <c>Binary</c>.
/// </summary>
public interface IWireMessage;
