using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ActorChat.Protocol;

/// <summary>Writes server-to-client frames as UTF-8 JSON, once, into byte arrays that are shared by every recipient.</summary>
public static partial class ServerFrames
{
    // Frames travel over a WebSocket, never inside HTML, so non-ASCII text can stay as it is.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly byte[] Pong = Write(w => w.WriteString("type", "pong"));

    /// <param name="admin">The user is one of the server's administrators.</param>
    public static byte[] Welcome(string user, string session, bool admin = false) => Write(w =>
    {
        w.WriteString("type", "welcome");
        w.WriteString("user", user);
        w.WriteString("session", session);
        w.WriteNumber("protocol", Limits.ProtocolVersion);
        if (admin)
            w.WriteBoolean("admin", true);
    });

    /// <param name="members">The present users named: all of them, or the first of a crowd.</param>
    /// <param name="memberCount">How many users are present in all.</param>
    /// <param name="rev">The room's revision; 0 leaves it out.</param>
    /// <param name="events">For a resume by <c>rev</c>: the frames of the events after it, in order; null otherwise.</param>
    /// <param name="reset">A resume by <c>rev</c> that reached back too far: the messages are the latest page instead.</param>
    public static byte[] Joined(string room, long seq, IReadOnlyCollection<string> members, int memberCount, IEnumerable<byte[]> messages, bool truncated,
        long rev = 0, IEnumerable<byte[]>? events = null, bool reset = false, RoomAccessView? access = null, ModerationView? moderation = null) => Write(w =>
    {
        w.WriteString("type", "joined");
        w.WriteString("room", room);
        w.WriteNumber("seq", seq);
        if (rev > 0)
            w.WriteNumber("rev", rev);
        w.WriteStartArray("members");
        foreach (var member in members)
            w.WriteStringValue(member);
        w.WriteEndArray();
        w.WriteNumber("memberCount", memberCount);
        if (members.Count < memberCount)
            w.WriteBoolean("membersTruncated", true);
        WriteMessages(w, messages);
        if (truncated)
            w.WriteBoolean("truncated", true);
        if (events is not null)
        {
            w.WriteStartArray("events");
            foreach (var frame in events)
                w.WriteRawValue(frame, skipInputValidation: true);
            w.WriteEndArray();
        }
        if (reset)
            w.WriteBoolean("reset", true);
        if (access is not null)
        {
            w.WriteBoolean("private", true);
            if (access.Direct)
                w.WriteBoolean("direct", true);
            if (access.Owner is not null)
                w.WriteString("owner", access.Owner);
            w.WriteStartArray("roster");
            foreach (var user in access.Roster)
                w.WriteStringValue(user);
            w.WriteEndArray();
        }
        if (moderation is not null)
        {
            w.WriteString("role", moderation.Role);
            w.WriteStartArray("staff");
            foreach (var (user, role) in moderation.Staff)
            {
                w.WriteStartObject();
                w.WriteString("user", user);
                w.WriteString("role", role);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (moderation.SlowModeSeconds > 0)
                w.WriteNumber("slowmode", moderation.SlowModeSeconds);
            if (moderation.MutedUntil is { } muted)
                w.WriteString("mutedUntil", FormatTimestamp(muted));
        }
    });

    public static byte[] History(string room, IEnumerable<byte[]> messages, bool more) => Write(w =>
    {
        w.WriteString("type", "history");
        w.WriteString("room", room);
        WriteMessages(w, messages);
        w.WriteBoolean("more", more);
    });

    /// <param name="removed">The room's owner took the user off its roster (version 2: <c>"reason":"removed"</c>).</param>
    public static byte[] Left(string room, bool removed = false) => Write(w =>
    {
        w.WriteString("type", "left");
        w.WriteString("room", room);
        if (removed)
            w.WriteString("reason", "removed");
    });

    /// <summary>
    /// The <c>left</c> frame of a member a moderator put out: <paramref name="reason"/> is <c>kicked</c> or
    /// <c>banned</c>, <paramref name="note"/> what the moderator gave as the reason, <paramref name="until"/> when a ban ends.
    /// </summary>
    public static byte[] PutOut(string room, string reason, string note, DateTimeOffset? until) => Write(w =>
    {
        w.WriteString("type", "left");
        w.WriteString("room", room);
        w.WriteString("reason", reason);
        if (note.Length > 0)
            w.WriteString("note", note);
        if (until is { } end)
            w.WriteString("until", FormatTimestamp(end));
    });

    /// <param name="invited">True when <paramref name="member"/> was let in, false when taken off the roster.</param>
    public static byte[] Member(string room, long rev, string member, bool invited, string by) => Write(w =>
    {
        w.WriteString("type", "member");
        w.WriteString("room", room);
        w.WriteNumber("rev", rev);
        w.WriteString("user", member);
        w.WriteString("event", invited ? "invited" : "removed");
        w.WriteString("by", by);
    });

    public static byte[] Presence(string room, string user, bool joined) => Write(w =>
    {
        w.WriteString("type", "presence");
        w.WriteString("room", room);
        w.WriteString("user", user);
        w.WriteString("event", joined ? "join" : "leave");
    });

    public static byte[] Typing(string room, string user) => Write(w =>
    {
        w.WriteString("type", "typing");
        w.WriteString("room", room);
        w.WriteString("user", user);
    });

    public static byte[] Read(string room, string user, long seq) => Write(w =>
    {
        w.WriteString("type", "read");
        w.WriteString("room", room);
        w.WriteString("user", user);
        w.WriteNumber("seq", seq);
    });

    /// <summary>To a sender: <paramref name="count"/> other users (the first of them <paramref name="users"/>) have received their messages up to <paramref name="seq"/>.</summary>
    public static byte[] Received(string room, long seq, int count, IReadOnlyList<string> users) => Write(w =>
    {
        w.WriteString("type", "received");
        w.WriteString("room", room);
        w.WriteNumber("seq", seq);
        w.WriteNumber("count", count);
        w.WriteStartArray("users");
        foreach (var user in users)
            w.WriteStringValue(user);
        w.WriteEndArray();
    });

    public static byte[] Refreshed(DateTimeOffset expiresAt) => Write(w =>
    {
        w.WriteString("type", "refreshed");
        w.WriteString("expiresAt", FormatTimestamp(expiresAt));
    });

    public static byte[] Error(ProtocolError error) => Write(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("code", error.Code);
        w.WriteString("message", error.Message);
        if (error.Ref is not null)
            w.WriteString("ref", error.Ref);
    });

    /// <summary>ISO 8601 in UTC with milliseconds, as the protocol requires.</summary>
    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteMessages(Utf8JsonWriter w, IEnumerable<byte[]> messages)
    {
        w.WriteStartArray("messages");
        foreach (var message in messages)
            w.WriteRawValue(message, skipInputValidation: true);
        w.WriteEndArray();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>Who may be in a private or direct room, as <c>joined</c> tells its members.</summary>
public sealed record RoomAccessView(bool Direct, string? Owner, IReadOnlyList<string> Roster);

/// <summary>
/// What a joiner learns of a room's moderation: their own role, the room's owners and moderators, its slow mode, and
/// until when they are muted.
/// </summary>
public sealed record ModerationView(string Role, IReadOnlyList<(string User, string Role)> Staff, int SlowModeSeconds, DateTimeOffset? MutedUntil);
