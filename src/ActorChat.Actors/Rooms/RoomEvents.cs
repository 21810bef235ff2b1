using ActorChat.Protocol;
using ActorChat.Serialization;

namespace ActorChat.Rooms;

/// <summary>
/// An event a room stores in its journal; the journal's sequence number of each is the room's revision (<c>rev</c>).
/// Every one names the client id it was sent with, so a retry is answered from what was stored, not stored again.
/// </summary>
public interface IRoomEvent : IStoredRecord
{
    /// <summary>The message the event posted or changed.</summary>
    long Seq { get; }

    /// <summary>The client's id of the frame that caused it, unique per user.</summary>
    string Id { get; }

    /// <summary>Who caused it.</summary>
    string User { get; }

    /// <summary>When the room stored it.</summary>
    DateTimeOffset At { get; }
}

/// <summary>Journal event: a message was stored in its room at <paramref name="Seq"/>; <paramref name="ReplyTo"/>: the seq of the message it answers.</summary>
/// <param name="Attachment">The photo it carries: its id and layout, never its bytes.</param>
public sealed record MessagePosted(long Seq, string Id, string From, string Text, DateTimeOffset Timestamp,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] long? ReplyTo = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] MessageAttachment? Attachment = null) : IRoomEvent
{
    string IRoomEvent.User => From;

    DateTimeOffset IRoomEvent.At => Timestamp;

    public ChatMessage ToMessage() => new(Seq, Id, From, Text, Timestamp, ReplyTo: ReplyTo, Attachment: Attachment);
}

/// <summary>A change to a stored message: an edit, a deletion, or a reaction added or taken back.</summary>
public interface IMessageChange : IRoomEvent;

/// <summary>Journal event: the sender of message <paramref name="Seq"/> replaced its text.</summary>
public sealed record MessageEdited(long Seq, string Id, string User, string Text, DateTimeOffset At) : IMessageChange;

/// <summary>Journal event: message <paramref name="Seq"/> was deleted; its seq stays, as a placeholder.</summary>
public sealed record MessageDeleted(long Seq, string Id, string User, DateTimeOffset At) : IMessageChange;

/// <summary>Journal event: <paramref name="User"/> reacted to message <paramref name="Seq"/> with <paramref name="Emoji"/>.</summary>
public sealed record ReactionAdded(long Seq, string Id, string User, string Emoji, DateTimeOffset At) : IMessageChange;

/// <summary>Journal event: <paramref name="User"/> took back their <paramref name="Emoji"/> reaction to message <paramref name="Seq"/>.</summary>
public sealed record ReactionRemoved(long Seq, string Id, string User, string Emoji, DateTimeOffset At) : IMessageChange;

/// <summary>A change to who may be in a room. It names no message: its <see cref="IRoomEvent.Seq"/> is 0.</summary>
public interface IAccessChange : IRoomEvent;

/// <summary>Journal event: <paramref name="User"/> created the room, private (members by invitation) or public.</summary>
public sealed record RoomCreated(string Id, string User, bool Private, DateTimeOffset At) : IAccessChange
{
    long IRoomEvent.Seq => 0;
}

/// <summary>Journal event: <paramref name="User"/>, the owner, let <paramref name="Member"/> into the private room.</summary>
public sealed record MemberInvited(string Id, string User, string Member, DateTimeOffset At) : IAccessChange
{
    long IRoomEvent.Seq => 0;
}

/// <summary>Journal event: <paramref name="User"/>, the owner, took <paramref name="Member"/> off the private room's roster.</summary>
public sealed record MemberRemoved(string Id, string User, string Member, DateTimeOffset At) : IAccessChange
{
    long IRoomEvent.Seq => 0;
}

/// <summary>Journal event: a user has read a room up to <paramref name="Seq"/>.</summary>
public sealed record ReadMarkerMoved(string User, long Seq) : IStoredRecord;

/// <summary>Journal event: a device of the user has received every message of a room up to <paramref name="Seq"/>.</summary>
public sealed record ReceivedMarkerMoved(string User, long Seq) : IStoredRecord;

/// <summary>
/// Snapshot of a room: its numbering and who may be in it, so taking one costs little on the room's thread. The
/// messages a room keeps in memory and the ids that drop retries are read back from the message table on recovery.
/// </summary>
/// <param name="Private">True for a room of invited members; false (as in every snapshot before private rooms) for a public one.</param>
/// <param name="Owner">Who created a private room; null for a public room.</param>
/// <param name="Roster">Who may be in a private room, in lower case.</param>
public sealed record RoomSnapshot(long Seq, bool Private = false, string? Owner = null, IReadOnlyList<string>? Roster = null) : IStoredRecord;

/// <summary>Snapshot of a room's read markers and (since received receipts; null in older snapshots) received markers.</summary>
public sealed record ReadMarkersSnapshot(IReadOnlyDictionary<string, long> Markers, IReadOnlyDictionary<string, long>? Received = null) : IStoredRecord;
