namespace ActorChat.Serialization;

/// <summary>Marks a message that may cross between nodes; bound to <see cref="ProtobufWireSerializer"/> in HOCON.conf.</summary>
public interface IWireMessage;
