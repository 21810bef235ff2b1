using ActorChat.Protocol;
using ActorChat.Serialization;

namespace ActorChat.Rooms;

/// <summary>Journal event: a message was stored in its room at <paramref name="Seq"/>.</summary>
public sealed record MessagePosted(long Seq, string Id, string From, string Text, DateTimeOffset Timestamp) : IStoredRecord
{
    public ChatMessage ToMessage() => new(Seq, Id, From, Text, Timestamp);

    public static MessagePosted Of(ChatMessage message) =>
        new(message.Seq, message.Id, message.From, message.Text, message.Timestamp);
}

/// <summary>Journal event: a user has read a room up to <paramref name="Seq"/>.</summary>
public sealed record ReadMarkerMoved(string User, long Seq) : IStoredRecord;

/// <summary>
/// Snapshot of a room: only its numbering, so taking one costs nothing on the room's thread. The messages a room
/// keeps in memory and the ids that drop retries are read back from the journal's newest window on recovery.
/// </summary>
public sealed record RoomSnapshot(long Seq) : IStoredRecord;

/// <summary>Snapshot of a room's read markers.</summary>
public sealed record ReadMarkersSnapshot(IReadOnlyDictionary<string, long> Markers) : IStoredRecord;
