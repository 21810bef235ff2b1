namespace ActorChat.Serialization;

/// <summary>Marks what goes into the journal or snapshot store; bound to <see cref="ChatSerializer"/> in HOCON.conf.</summary>
public interface IStoredRecord;
