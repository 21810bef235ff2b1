namespace ActorChat.Protocol;

/// <summary>A validated frame from a client; the socket loop produces it, the ConnectionActor on the same node acts on it.</summary>
public abstract record ClientFrame : Akka.Actor.INoSerializationVerificationNeeded
{
    /// <summary>What an error about this frame names as its <c>ref</c>: the send's id, else the room.</summary>
    public virtual string? Reference => null;
}

/// <summary>A frame about one room; errors about it name the room.</summary>
public abstract record RoomFrame(string Room) : ClientFrame
{
    public override string? Reference => Room;
}

/// <summary>Join; <paramref name="Rev"/> (version 2) resumes from a revision, <paramref name="Since"/> from a seq.</summary>
public sealed record JoinFrame(string Room, long? Since, long? Rev = null) : RoomFrame(Room);

public sealed record LeaveFrame(string Room) : RoomFrame(Room);

/// <summary>
/// Post a message; <paramref name="ReplyTo"/> (version 2): the seq of the message it answers; <paramref name="Attachment"/>:
/// the id of a photo the user uploaded.
/// </summary>
public sealed record SendFrame(string Room, string Id, string Text, long? ReplyTo = null, string? Attachment = null) : RoomFrame(Room)
{
    public override string? Reference => Id;
}

/// <summary>Version 2: edit, delete, react to or take back a reaction to message <paramref name="Seq"/>.</summary>
public sealed record ChangeFrame(string Room, string Id, long Seq, Rooms.ChangeKind Kind, string Value) : RoomFrame(Room)
{
    public override string? Reference => Id;
}

/// <summary>Version 2: create a room, public or private; the creator joins it.</summary>
public sealed record CreateFrame(string Room, bool Private) : RoomFrame(Room);

/// <summary>Version 2: the owner of a private room lets <paramref name="User"/> in, or (<paramref name="Invite"/> false) removes them.</summary>
public sealed record MembershipFrame(string Room, string User, bool Invite) : RoomFrame(Room);

/// <summary>
/// Version 2: a moderation of the room (<c>role</c>, <c>kick</c>, <c>ban</c>, <c>unban</c>, <c>mute</c>, <c>unmute</c>,
/// <c>slowmode</c>); <paramref name="User"/> is whom it concerns (empty for slow mode).
/// </summary>
public sealed record ModerationFrame(string Room, string Id, Rooms.ModerationAction Action, string User, string? Role, DateTimeOffset? Until,
    string Reason, int Seconds) : RoomFrame(Room)
{
    public override string? Reference => Id;
}

/// <summary>Version 2: a page of the room's moderation log, before revision <paramref name="Before"/> (the newest when null).</summary>
public sealed record ModerationLogFrame(string Room, long? Before, int Limit) : RoomFrame(Room);

/// <summary>Version 2: report message <paramref name="Seq"/> of the room to its moderators, with a reason.</summary>
public sealed record ReportFrame(string Room, string Id, long Seq, string Reason) : RoomFrame(Room)
{
    public override string? Reference => Id;
}

/// <summary>
/// Version 2: a page of reports, made before <paramref name="Before"/>: of <paramref name="Room"/> (its moderators), or of
/// every room when null (server administrators).
/// </summary>
public sealed record ReportsFrame(string? Room, DateTimeOffset? Before, int Limit, bool Open = false) : ClientFrame
{
    public override string? Reference => Room;
}

/// <summary>Version 2: a moderator marks every open report of message <paramref name="Seq"/> handled.</summary>
public sealed record ResolveFrame(string Room, string Id, long Seq) : RoomFrame(Room)
{
    public override string? Reference => Id;
}

/// <summary>
/// Version 2, for server administrators: suspend <paramref name="User"/>'s account until <paramref name="Until"/>
/// (null: until lifted), or lift its suspension (<paramref name="Suspend"/> false).
/// </summary>
public sealed record SuspendFrame(string Id, string User, bool Suspend, string Reason, DateTimeOffset? Until) : ClientFrame
{
    public override string? Reference => Id;
}

/// <summary>Version 2: block <paramref name="User"/> (or unblock, <paramref name="Block"/> false), on every device of this user.</summary>
public sealed record BlockFrame(string User, bool Block) : ClientFrame
{
    public override string? Reference => User;
}

/// <summary>Version 2: ask for the users this user blocked.</summary>
public sealed record BlocksFrame : ClientFrame
{
    public static readonly BlocksFrame Instance = new();

    public override string? Reference => null;
}

/// <summary>Version 2: change this user's profile (display name, status, avatar), on every device and in every room listed.</summary>
public sealed record ProfileFrame(Accounts.ProfileEdit Edit) : ClientFrame;

/// <summary>Version 2: the profiles of <paramref name="Users"/>.</summary>
public sealed record ProfilesFrame(IReadOnlyList<string> Users) : ClientFrame;

/// <summary>
/// Version 2: search every message this user may read for <paramref name="Query"/>, a page of
/// <paramref name="Limit"/> hits after position <paramref name="After"/> (the <c>next</c> of the page before).
/// </summary>
public sealed record SearchFrame(string Id, Search.SearchQuery Query, string? After, int Limit) : ClientFrame
{
    public override string? Reference => Id;
}

/// <summary>Version 2: join the direct room of this user and <paramref name="User"/>.</summary>
public sealed record DirectFrame(string User) : ClientFrame
{
    public override string? Reference => User;
}

/// <summary>Version 2: the user's room list, with unread counts.</summary>
public sealed record RoomsFrame : ClientFrame
{
    public static readonly RoomsFrame Instance = new();
}

/// <summary>Version 2: take the room off the user's room list, on every device; the connection leaves it too.</summary>
public sealed record ForgetFrame(string Room) : RoomFrame(Room);

/// <summary>Version 2: how much of a room in the user's list reaches their attention, on every device.</summary>
public sealed record NotifyFrame(string Room, RoomNotify Level) : RoomFrame(Room);

/// <summary>Version 2: a page of the public rooms whose names start with <paramref name="Prefix"/>, after the room <paramref name="After"/>.</summary>
public sealed record DirectoryFrame(string Prefix, string? After, int Limit) : ClientFrame
{
    public override string? Reference => Prefix;
}

public sealed record TypingFrame(string Room) : RoomFrame(Room);

public sealed record ReadFrame(string Room, long Seq) : RoomFrame(Room);

/// <summary>Version 2: this device has received every message of the room up to <paramref name="Seq"/>.</summary>
public sealed record ReceivedFrame(string Room, long Seq) : RoomFrame(Room);

public sealed record HistoryFrame(string Room, long? Before, int Limit) : RoomFrame(Room);

public sealed record PingFrame : ClientFrame
{
    public static readonly PingFrame Instance = new();
}

public sealed record RefreshFrame(string Token) : ClientFrame;

/// <summary>A frame the socket loop could not accept; the connection answers it with an error frame.</summary>
public sealed record RejectedFrame(ProtocolError Error) : ClientFrame;
