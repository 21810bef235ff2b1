using ActorChat.Rooms;

namespace ActorChat.Protocol;

// Version 2 frames of a room's moderation.
public static partial class ServerFrames
{
    /// <summary>
    /// A stored moderation, as every member hears it: what was done (<c>role</c>, <c>kick</c>, <c>ban</c>, <c>unban</c>,
    /// <c>mute</c>, <c>unmute</c>, <c>slowmode</c>), to whom, and its terms. Who did it and why are for the room's
    /// moderation log, not for every member.
    /// </summary>
    public static byte[] Moderation(string room, long rev, IModerationChange change) => Write(w =>
    {
        w.WriteString("type", "moderation");
        w.WriteString("room", room);
        w.WriteNumber("rev", rev);
        w.WriteString("action", ActionName(change));
        if (change.Member.Length > 0)
            w.WriteString("user", change.Member);
        switch (change)
        {
            case RoleChanged changed:
                w.WriteString("role", changed.Role);
                break;
            case MemberBanned { Until: { } until }:
                w.WriteString("until", FormatTimestamp(until));
                break;
            case MemberMuted muted:
                w.WriteString("until", FormatTimestamp(muted.Until));
                break;
            case SlowModeSet slow:
                w.WriteNumber("seconds", slow.Seconds);
                break;
        }
        w.WriteString("ts", FormatTimestamp(change.At));
    });

    /// <summary>A page of a room's moderation log, newest first: who did what to whom, when, and why.</summary>
    public static byte[] ModerationLog(string room, IReadOnlyList<Storage.ModerationRow> entries) => Write(w =>
    {
        w.WriteString("type", "moderation_log");
        w.WriteString("room", room);
        w.WriteStartArray("entries");
        foreach (var entry in entries)
        {
            w.WriteStartObject();
            w.WriteNumber("rev", entry.Rev);
            w.WriteString("action", entry.Action);
            w.WriteString("by", entry.Actor);
            if (entry.Member.Length > 0)
                w.WriteString("user", entry.Member);
            if (entry.Role is not null)
                w.WriteString("role", entry.Role);
            if (entry.Until is { } until)
                w.WriteString("until", FormatTimestamp(until));
            if (entry.Reason.Length > 0)
                w.WriteString("reason", entry.Reason);
            if (entry.Action == "slowmode")
                w.WriteNumber("seconds", entry.Seconds);
            if (entry.Seq is { } seq)
                w.WriteNumber("seq", seq);
            w.WriteString("ts", FormatTimestamp(entry.At));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary>A report, as a moderator sees it: told at once to the room's moderators present, and listed in <c>reports</c>.</summary>
    /// <param name="viewer">Who reads it: when it is the reported user, who reported them is left out.</param>
    public static byte[] Report(Storage.ReportRow report, string viewer) => Write(w =>
    {
        w.WriteString("type", "report");
        WriteReport(w, report, viewer);
    });

    /// <summary>A page of reports, newest first: of <paramref name="room"/>, or of every room (for an administrator) when null.</summary>
    public static byte[] Reports(string? room, IReadOnlyList<Storage.ReportRow> reports, string viewer) => Write(w =>
    {
        w.WriteString("type", "reports");
        if (room is not null)
            w.WriteString("room", room);
        w.WriteStartArray("entries");
        foreach (var report in reports)
        {
            w.WriteStartObject();
            WriteReport(w, report, viewer);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    private static void WriteReport(System.Text.Json.Utf8JsonWriter w, Storage.ReportRow report, string viewer)
    {
        w.WriteString("room", report.Room);
        w.WriteNumber("seq", report.Seq);
        w.WriteString("from", report.Author);
        if (!string.Equals(report.Author, viewer, StringComparison.OrdinalIgnoreCase))
            w.WriteString("by", report.Reporter);
        if (report.Reason.Length > 0)
            w.WriteString("reason", report.Reason);
        w.WriteString("ts", FormatTimestamp(report.At));
        if (report.HandledBy is { } moderator && report.HandledAt is { } handled)
        {
            w.WriteString("handledBy", moderator);
            w.WriteString("handled", FormatTimestamp(handled));
        }
    }

    /// <summary>The open reports of message <paramref name="seq"/> were marked handled by <paramref name="by"/>: to the room's other moderators present.</summary>
    public static byte[] Resolved(string room, long seq, string by) => Write(w =>
    {
        w.WriteString("type", "resolved");
        w.WriteString("room", room);
        w.WriteNumber("seq", seq);
        w.WriteString("by", by);
    });

    /// <summary>The users this user blocked, as registered, in order of name: the answer to <c>blocks</c>, <c>block</c> and <c>unblock</c>, and told to every device of the user when it changes.</summary>
    public static byte[] Blocks(IReadOnlyList<string> users) => Write(w =>
    {
        w.WriteString("type", "blocks");
        w.WriteStartArray("users");
        foreach (var user in users)
            w.WriteStringValue(user);
        w.WriteEndArray();
    });

    /// <summary>The answer to an administrator's <c>suspend</c> or <c>unsuspend</c>: how the account stands now.</summary>
    public static byte[] Suspension(string id, Accounts.AccountSuspension suspension) => Write(w =>
    {
        w.WriteString("type", "suspension");
        w.WriteString("id", id);
        w.WriteString("user", suspension.Username);
        w.WriteBoolean("suspended", suspension.Suspended);
        if (suspension.Reason.Length > 0)
            w.WriteString("reason", suspension.Reason);
        if (suspension.Until is { } until)
            w.WriteString("until", FormatTimestamp(until));
    });

    /// <summary>The protocol's name of what <paramref name="change"/> did.</summary>
    public static string ActionName(IModerationChange change) => change switch
    {
        RoleChanged => "role",
        MemberKicked => "kick",
        MemberBanned => "ban",
        MemberUnbanned => "unban",
        MemberMuted => "mute",
        MemberUnmuted => "unmute",
        SlowModeSet => "slowmode",
        _ => throw new ArgumentException($"unknown moderation {change.GetType()}", nameof(change)),
    };
}
