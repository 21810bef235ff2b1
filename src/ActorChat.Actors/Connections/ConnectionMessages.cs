using ActorChat.Serialization;

namespace ActorChat.Connections;

/// <summary>A frame for one connection's socket, already serialized.</summary>
public sealed record Deliver(byte[] Frame) : IWireMessage;

/// <summary>Frames for one connection that go into its queue together, as one entry (the read markers after a <c>joined</c>).</summary>
public sealed record DeliverBatch(IReadOnlyList<byte[]> Frames) : IWireMessage;

/// <summary>A frame that carries a room's seq (a message or an ack), so the connection knows how far it got.</summary>
public sealed record DeliverSequenced(string Room, long Seq, byte[] Frame) : IWireMessage;

/// <summary>The <c>ack</c> of a stored message, for the connection that sent it (or retried it).</summary>
public sealed record Acked(string Room, string Id, long Seq, byte[] Frame) : IWireMessage;

/// <summary>The room does not count the sending connection as a member (it restarted, or moved): join it again.</summary>
public sealed record NotMember(string Room, string Id) : IWireMessage;

/// <summary>
/// The answer to a join: the <c>joined</c> frame, sent by the room's own actor so the connection can watch it, and the
/// <c>read</c> frames of the present members. They travel together so that a connection that drops the answer to a
/// retried join drops its read frames with it. <paramref name="Private"/>: the room is private or direct.
/// </summary>
public sealed record JoinedRoom(string Room, long Seq, byte[] Frame, IReadOnlyList<byte[]>? Reads = null, bool Private = false) : IWireMessage;

/// <summary>
/// The answer to a leave: the <c>left</c> frame. <paramref name="Removed"/>: the room's owner took the user off its
/// roster, and the connection forgets the room.
/// </summary>
public sealed record LeftRoom(string Room, byte[] Frame, bool Removed = false) : IWireMessage;

/// <summary>
/// The room refused a send for good (a reply to no message, a muted sender, slow mode): the connection stops waiting
/// for its ack and hands the client the <c>error</c> frame.
/// </summary>
public sealed record SendRefused(string Room, string Id, byte[] Frame) : IWireMessage;

/// <summary>The room refused a join (or a create): the connection forgets the room and tells the client why.</summary>
public sealed record JoinRefused(string Room, string Code, string Message) : IWireMessage;
