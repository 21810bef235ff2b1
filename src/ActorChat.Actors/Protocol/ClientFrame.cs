namespace ActorChat.Protocol;

/// <summary>A validated frame from a client; the socket loop produces it, the ConnectionActor on the same node acts on it.</summary>
public abstract record ClientFrame : Akka.Actor.INoSerializationVerificationNeeded;

public sealed record JoinFrame(string Room, long? Since) : ClientFrame;

public sealed record LeaveFrame(string Room) : ClientFrame;

public sealed record SendFrame(string Room, string Id, string Text) : ClientFrame;

public sealed record TypingFrame(string Room) : ClientFrame;

public sealed record ReadFrame(string Room, long Seq) : ClientFrame;

public sealed record HistoryFrame(string Room, long? Before, int Limit) : ClientFrame;

public sealed record PingFrame : ClientFrame
{
    public static readonly PingFrame Instance = new();
}

public sealed record RefreshFrame(string Token) : ClientFrame;

/// <summary>A frame the socket loop could not accept; the connection answers it with an error frame.</summary>
public sealed record RejectedFrame(ProtocolError Error) : ClientFrame;
