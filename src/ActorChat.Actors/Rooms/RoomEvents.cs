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

/// <summary>
/// A moderation of a room: a role given or taken, a member kicked, banned or muted (or let back), slow mode set.
/// <see cref="IRoomEvent.User"/> is who did it. Names no message: its <see cref="IRoomEvent.Seq"/> is 0.
/// </summary>
public interface IModerationChange : IAccessChange
{
    long IRoomEvent.Seq => 0;

    /// <summary>Whom it concerns; empty for a change to the whole room (slow mode).</summary>
    string Member { get; }
}

/// <summary>Journal event: <paramref name="User"/> gave <paramref name="Member"/> the room's role <paramref name="Role"/> (owner, moderator or member).</summary>
public sealed record RoleChanged(string Id, string User, string Member, string Role, DateTimeOffset At) : IModerationChange;

/// <summary>Journal event: <paramref name="User"/> put <paramref name="Member"/> out of the room; they may join again.</summary>
public sealed record MemberKicked(string Id, string User, string Member, string Reason, DateTimeOffset At) : IModerationChange;

/// <summary>Journal event: <paramref name="User"/> put <paramref name="Member"/> out and barred them until <paramref name="Until"/> (null: for good).</summary>
public sealed record MemberBanned(string Id, string User, string Member, DateTimeOffset? Until, string Reason, DateTimeOffset At) : IModerationChange;

/// <summary>Journal event: <paramref name="User"/> lifted <paramref name="Member"/>'s ban.</summary>
public sealed record MemberUnbanned(string Id, string User, string Member, DateTimeOffset At) : IModerationChange;

/// <summary>Journal event: <paramref name="User"/> muted <paramref name="Member"/> until <paramref name="Until"/>: they read, but neither send nor react.</summary>
public sealed record MemberMuted(string Id, string User, string Member, DateTimeOffset Until, string Reason, DateTimeOffset At) : IModerationChange;

/// <summary>Journal event: <paramref name="User"/> lifted <paramref name="Member"/>'s mute.</summary>
public sealed record MemberUnmuted(string Id, string User, string Member, DateTimeOffset At) : IModerationChange;

/// <summary>Journal event: <paramref name="User"/> set slow mode: one message per member per <paramref name="Seconds"/> (0: off).</summary>
public sealed record SlowModeSet(string Id, string User, int Seconds, DateTimeOffset At) : IModerationChange
{
    string IModerationChange.Member => "";
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
/// <param name="Moderation">Roles, bans, mutes and slow mode; null in snapshots before moderation and of rooms never moderated.</param>
public sealed record RoomSnapshot(long Seq, bool Private = false, string? Owner = null, IReadOnlyList<string>? Roster = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] ModerationSnapshot? Moderation = null) : IStoredRecord;

/// <summary>A room's moderation state in a snapshot; users in lower case.</summary>
/// <param name="Roles">Owners and moderators: user to role.</param>
/// <param name="Bans">Banned users: until when (null: for good), and why.</param>
/// <param name="Mutes">Muted users: until when.</param>
public sealed record ModerationSnapshot(IReadOnlyDictionary<string, string> Roles, IReadOnlyDictionary<string, BanRecord> Bans,
    IReadOnlyDictionary<string, DateTimeOffset> Mutes, int SlowModeSeconds);

/// <summary>One ban: until when (null: for good), and the reason given.</summary>
public sealed record BanRecord(DateTimeOffset? Until, string Reason);

/// <summary>Snapshot of a room's read markers and (since received receipts; null in older snapshots) received markers.</summary>
public sealed record ReadMarkersSnapshot(IReadOnlyDictionary<string, long> Markers, IReadOnlyDictionary<string, long>? Received = null) : IStoredRecord;
