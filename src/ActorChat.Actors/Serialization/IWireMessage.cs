namespace ActorChat.Serialization;

/// <summary>Marks a message that may cross between nodes; bound to <see cref="WireSerializer"/> in HOCON.conf.</summary>
public interface IWireMessage;
