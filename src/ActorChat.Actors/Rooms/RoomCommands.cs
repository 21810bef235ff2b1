using ActorChat.Serialization;
using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>A request addressed to one room; the room name is the shard entity id.</summary>
public interface IRoomCommand : IWireMessage
{
    string Room { get; }
}

/// <summary>
/// A command the room stores at most once per (<see cref="User"/>, <see cref="Id"/>) and answers with an
/// <see cref="Connections.Acked"/> (stored, now or before) or a <see cref="Connections.SendRefused"/> (never will be).
/// The connection holds it until then, sends it again to the room's next incarnation when the room's node is lost,
/// and names it in its rejoin; dedup by id makes every retry safe.
/// </summary>
public interface IAcknowledgedCommand : IRoomCommand
{
    string User { get; }

    /// <summary>The client's id of the frame, unique per user.</summary>
    string Id { get; }
}

/// <summary>
/// The sending connection joins; with <paramref name="Since"/> it gets every later message replayed. The room reaches
/// the connection through <paramref name="Hub"/>, its node's delivery hub for this room. A connection joining again
/// after losing the room names its unacknowledged sends in <paramref name="Unacked"/>: those already stored are acked
/// first and left out of the replay, so the sender never sees its own message. With <paramref name="Rev"/> (a client
/// of protocol version 2 resuming) the answer carries every event after that revision instead of a replay. With
/// <paramref name="Create"/> the user creates the room, private when true: refused (conflict) when it exists already,
/// unless this user created it just so. A private room refuses a user not on its roster (<see cref="Connections.JoinRefused"/>).
/// </summary>
public sealed record Join(string Room, string User, long? Since, IActorRef Hub, IReadOnlyList<string>? Unacked = null, long? Rev = null,
    bool? Create = null) : IRoomCommand;

/// <summary>The owner of a private room lets <paramref name="Member"/> in (<paramref name="Invite"/>) or takes them off its roster.</summary>
public sealed record ChangeMembership(string Room, string User, string Member, bool Invite) : IRoomCommand;

public sealed record Leave(string Room, string User) : IRoomCommand;

/// <summary>What a <see cref="Moderate"/> does.</summary>
public enum ModerationAction
{
    /// <summary>Gives the member a role: owner, moderator or member (owners only).</summary>
    Role,

    /// <summary>Puts the member out of the room at once, on every node; they may join again.</summary>
    Kick,

    /// <summary>Puts the member out and bars them, until a time or for good.</summary>
    Ban,

    Unban,

    /// <summary>The member may read, but neither send nor react, until a time.</summary>
    Mute,

    Unmute,

    /// <summary>One message per member per a number of seconds (0: off); moderators and owners are not held to it.</summary>
    SlowMode,
}

/// <summary>
/// <paramref name="User"/> moderates the room (see <see cref="ModerationAction"/>). <paramref name="Id"/> is the client's
/// id, unique per user: a retry is acked, not applied again. <paramref name="Admin"/> is set by this server, never by a
/// client, for a server administrator (configuration), who may do everything an owner may in every room.
/// </summary>
/// <param name="Member">Whom it concerns; empty for slow mode.</param>
/// <param name="Role">For <see cref="ModerationAction.Role"/>: owner, moderator or member.</param>
/// <param name="Until">For a ban (null: for good) or a mute (required).</param>
public sealed record Moderate(string Room, string User, string Id, ModerationAction Action, string Member, string? Role = null,
    DateTimeOffset? Until = null, string Reason = "", int Seconds = 0, bool Admin = false) : IAcknowledgedCommand;

/// <summary>Post a message; <paramref name="Id"/> is the client's own id for it, unique per user.</summary>
public sealed record Post(string Room, string User, string Id, string Text, long? ReplyTo = null, Protocol.MessageAttachment? Attachment = null) : IAcknowledgedCommand;

/// <summary>What a <see cref="ChangeMessage"/> does to the message.</summary>
public enum ChangeKind
{
    Edit,
    Delete,
    React,
    Unreact,
}

/// <summary>
/// Change message <paramref name="Seq"/>: edit its text or delete it (its sender only), or add or take back a reaction
/// (<paramref name="Value"/> is the new text, or the emoji; empty for a delete). <paramref name="Id"/> is the client's
/// id for the change, unique per user like a send's: a retry is acked, not applied again.
/// </summary>
public sealed record ChangeMessage(string Room, string User, string Id, long Seq, ChangeKind Kind, string Value) : IRoomCommand;

public sealed record Typing(string Room, string User) : IRoomCommand;

public sealed record MarkRead(string Room, string User, long Seq) : IRoomCommand;

/// <summary>A device of <paramref name="User"/> has received every message of the room up to <paramref name="Seq"/>.</summary>
public sealed record MarkReceived(string Room, string User, long Seq) : IRoomCommand;

/// <summary>
/// <paramref name="User"/>, a moderator or owner of the room (or a server administrator: <paramref name="Admin"/>, set by
/// this server), reads up to <paramref name="Limit"/> entries of its moderation log before revision <paramref name="Before"/>
/// (the newest when null), newest first.
/// </summary>
public sealed record GetModerationLog(string Room, string User, long? Before, int Limit, bool Admin = false) : IRoomCommand;

/// <summary>
/// <paramref name="User"/> reports message <paramref name="Seq"/> to the room's moderators, with a reason; stored once
/// per client id. The reported user never learns who reported them.
/// </summary>
public sealed record ReportMessage(string Room, string User, string Id, long Seq, string Reason) : IAcknowledgedCommand;

/// <summary>
/// A moderator (or administrator) reads the room's reports, newest first, made before <paramref name="Before"/> (the
/// newest when null); only those not handled yet when <paramref name="Open"/>.
/// </summary>
public sealed record GetReports(string Room, string User, DateTimeOffset? Before, int Limit, bool Admin = false, bool Open = false) : IRoomCommand;

/// <summary>
/// A member's profile changed (told by their account, to every room it lists): the room tells the members present,
/// so that names and avatars change in every open page at once.
/// </summary>
public sealed record ShareProfile(string Room, Accounts.UserProfile Profile) : IRoomCommand;

/// <summary>
/// A moderator (or administrator) marks every open report of message <paramref name="Seq"/> handled; answered with an
/// ack of <paramref name="Id"/>, and the room's other moderators present are told.
/// </summary>
public sealed record ResolveReports(string Room, string User, string Id, long Seq, bool Admin = false) : IRoomCommand;

/// <summary>Ask for up to <paramref name="Limit"/> messages older than <paramref name="Before"/> (or the latest).</summary>
public sealed record GetHistory(string Room, long? Before, int Limit) : IRoomCommand;

/// <summary>
/// Asks the room which node it runs on; it answers with a <see cref="RoomLocation"/>. Sent through the shard region,
/// this starts the room when it is not running (it stops again after its idle timeout); it does not count as
/// activity that keeps an empty room running.
/// </summary>
public sealed record WhereAreYou(string Room) : IRoomCommand, INotInfluenceReceiveTimeout;

/// <summary>Asks whether <paramref name="User"/> may read the room now (its photos, say): answered with <see cref="ReadAccess"/>.</summary>
public sealed record MayRead(string Room, string User) : IRoomCommand, INotInfluenceReceiveTimeout;

/// <summary>Whether the user asked about may read the room: anyone in a public room, its roster in a private or direct one.</summary>
public sealed record ReadAccess(string Room, bool Allowed) : IWireMessage;

/// <summary>The answer to <see cref="WhereAreYou"/>: the address of the node the room runs on (akka.tcp://actorchat@host:port).</summary>
public sealed record RoomLocation(string Room, string Node) : IWireMessage;
