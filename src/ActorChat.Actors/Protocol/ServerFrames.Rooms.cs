using ActorChat.Rooms;
using ActorChat.Storage;

namespace ActorChat.Protocol;

// Version 2 frames about the user's rooms as a whole: the room list with unread counts, its changes, and the directory.
public static partial class ServerFrames
{
    /// <summary>The user's room list, in the order the rooms were listed.</summary>
    public static byte[] Rooms(IReadOnlyList<RoomSummary> rooms) => Write(w =>
    {
        w.WriteString("type", "rooms");
        w.WriteStartArray("rooms");
        foreach (var room in rooms)
        {
            w.WriteStartObject();
            w.WriteString("room", room.Room);
            w.WriteString("kind", KindName(room.Kind));
            w.WriteNumber("seq", room.State.Seq);
            w.WriteNumber("read", room.State.Read);
            w.WriteNumber("unread", room.State.Unread);
            w.WriteNumber("mentions", room.State.Mentions);
            w.WriteString("notify", room.State.Notify.Name());
            if (room.State.LastActivity is { } at)
                w.WriteString("lastActivity", FormatTimestamp(at));
            if (room.InvitedBy is { } inviter)
                w.WriteString("invitedBy", inviter);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <param name="change">added, forgotten or removed.</param>
    /// <param name="invitedBy">With added: who invited the user, when the room came by an invitation.</param>
    public static byte[] RoomChange(string room, RoomKind kind, string change, string? invitedBy = null) => Write(w =>
    {
        w.WriteString("type", "room");
        w.WriteString("room", room);
        w.WriteString("kind", KindName(kind));
        w.WriteString("change", change);
        if (invitedBy is not null)
            w.WriteString("invitedBy", invitedBy);
    });

    /// <summary>The user's setting for a room, as stored: the answer to <c>notify</c>, and the news of it to every other device.</summary>
    public static byte[] Notify(string room, RoomNotify level) => Write(w =>
    {
        w.WriteString("type", "notify");
        w.WriteString("room", room);
        w.WriteString("level", level.Name());
    });

    /// <param name="next">The <c>after</c> of the next page; null on the last page.</param>
    public static byte[] Directory(string prefix, IReadOnlyList<DirectoryEntry> rooms, string? next) => Write(w =>
    {
        w.WriteString("type", "directory");
        w.WriteString("prefix", prefix);
        w.WriteStartArray("rooms");
        foreach (var room in rooms)
        {
            w.WriteStartObject();
            w.WriteString("room", room.Room);
            w.WriteNumber("members", room.Members);
            w.WriteNumber("seq", room.Seq);
            w.WriteString("lastActivity", FormatTimestamp(room.LastActivity));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (next is not null)
            w.WriteString("next", next);
    });

    private static string KindName(RoomKind kind) => kind switch
    {
        RoomKind.Private => "private",
        RoomKind.Direct => "direct",
        _ => "public",
    };
}

/// <summary>One room of the user's list as the <c>rooms</c> frame shows it.</summary>
/// <param name="InvitedBy">Who invited the user, while the room is an invitation not taken up.</param>
public sealed record RoomSummary(string Room, RoomKind Kind, RoomState State, string? InvitedBy = null);
