namespace ActorChat.Protocol;

/// <summary>A stored chat message: its place in the room, the sender's own id for it, and its content.</summary>
public sealed record ChatMessage(long Seq, string Id, string From, string Text, DateTimeOffset Timestamp);
