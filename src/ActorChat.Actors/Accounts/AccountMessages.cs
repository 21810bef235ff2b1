using ActorChat.Protocol;
using ActorChat.Rooms;
using ActorChat.Serialization;
using Akka.Actor;

namespace ActorChat.Accounts;

// What is asked of an account and what it answers. Every command carries the name it is for; the account
// region routes it by Key, the name folded to lower case.

/// <summary>A request to one account; <see cref="Key"/> is the name folded to lower case, so names are unique regardless of case.</summary>
public interface IAccountCommand : IWireMessage
{
    string Key { get; }
}

/// <summary>
/// What an account says about its sessions: those begun before <paramref name="Generation"/> and those listed in
/// <paramref name="Revoked"/> are signed out. Every node keeps the latest one it heard of each account.
/// </summary>
public sealed record AccountSecurity(string Key, long Generation, IReadOnlyList<string> Revoked) : IWireMessage
{
    public bool Allows(AuthTicket ticket) => ticket.Generation >= Generation && !Revoked.Contains(ticket.Session, StringComparer.Ordinal);
}

public sealed record Register(string Username, string PasswordHash) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

public sealed record GetCredentials(string Username) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>Asks for the account's <see cref="AccountSecurity"/>.</summary>
public sealed record GetSecurity(string Username) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>
/// A connection of the user opens (or, after the account moved, registers again): answered with
/// <see cref="ConnectionOpened"/> or <see cref="ConnectionRefused"/>. Sending it twice counts once.
/// </summary>
public sealed record OpenConnection(string Username, string Session, long Generation, IActorRef Connection) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>Signs one session out; answered with the new <see cref="AccountSecurity"/>.</summary>
public sealed record RevokeSession(string Username, string Session, DateTimeOffset Until) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>Signs every session begun so far out; answered with the new <see cref="AccountSecurity"/>.</summary>
public sealed record RevokeAllSessions(string Username) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>
/// A server administrator (<paramref name="By"/>) suspends the account (every session signed out at once, sign-in
/// refused) until <paramref name="Until"/> (null: until lifted); answered with an <see cref="AccountSuspension"/>.
/// Suspending again replaces the reason and the end.
/// </summary>
public sealed record SuspendAccount(string Username, string By, string Reason, DateTimeOffset? Until) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>A server administrator lifts the account's suspension; answered with an <see cref="AccountSuspension"/>.</summary>
public sealed record LiftSuspension(string Username, string By) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>Whether the account is suspended now, and why and until when; <paramref name="Username"/> null when there is no such account.</summary>
public sealed record AccountSuspension(string? Username, bool Suspended, string Reason = "", DateTimeOffset? Until = null) : IWireMessage;

/// <summary>
/// The user blocks <paramref name="Other"/> (or unblocks, <paramref name="Block"/> false); answered with the user's
/// <see cref="BlockList"/>, which every other connection of the user is told too.
/// </summary>
public sealed record ChangeBlock(string Username, string Other, bool Block) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>
/// The user changes their profile: answered with the <see cref="UserProfile"/> as stored, which every other connection
/// of the user and every room the user lists are told too; or with a <see cref="ProfileRefused"/>.
/// </summary>
public sealed record SetProfile(string Username, ProfileEdit Edit) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>Why a profile change was not made (the account does not exist, say).</summary>
public sealed record ProfileRefused(string Code, string Message) : IWireMessage;

/// <summary>Asks for the users this user blocked: answered with a <see cref="BlockList"/>.</summary>
public sealed record GetBlocks(string Username) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>
/// Asked of <paramref name="Username"/>'s account before <paramref name="From"/> opens a direct conversation with
/// them: answered with a <see cref="ContactAnswer"/>.
/// </summary>
public sealed record CheckContact(string Username, string From) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>The account's name as registered (null: no such account), and whether it blocked the asker.</summary>
public sealed record ContactAnswer(string? Username, bool Blocked) : IWireMessage;

/// <summary>The users this user blocked, as registered; <paramref name="Refusal"/> says why a block was not made.</summary>
public sealed record BlockList(IReadOnlyList<string> Users, string? Refusal = null) : IWireMessage
{
    public bool Equals(BlockList? other) => other is not null && Users.SequenceEqual(other.Users) && Refusal == other.Refusal;

    public override int GetHashCode() => HashCode.Combine(Users.Count, Refusal);
}

public sealed record Registered(string Username) : IWireMessage;

public sealed record UsernameTaken : IWireMessage;

/// <summary>
/// The account's name as registered, its password hash and its generation; null fields when there is no such
/// account. <paramref name="Suspension"/> is set while an administrator's suspension holds.
/// </summary>
public sealed record AccountCredentials(string? Username, string? PasswordHash, long Generation, AccountSuspension? Suspension = null) : IWireMessage;

/// <summary>The connection is counted; with the account's word on its sessions, for the connection's node to keep.</summary>
public sealed record ConnectionOpened(AccountSecurity Security) : IWireMessage;

/// <summary>Why a connection may not open: <see cref="SignedOut"/>, <see cref="TooManyConnections"/> or <see cref="Suspended"/>.</summary>
public sealed record ConnectionRefused(string Key, string Reason) : IWireMessage
{
    public const string SignedOut = "signed_out";
    public const string TooManyConnections = "too_many_connections";
    public const string Suspended = "suspended";
}

/// <summary>Told to an open connection whose session was just signed out; <paramref name="Reason"/> is <see cref="ConnectionRefused.Suspended"/> when the account was suspended.</summary>
public sealed record SessionEnded(string Key, string Reason = "") : IWireMessage;

/// <summary>
/// Lists <paramref name="Room"/> for the user: told by a connection whose client joined it, and by a room that
/// invited the user (<paramref name="InvitedBy"/>, the owner's key) or carried a direct message to them. Listing a
/// room already listed stores nothing, unless the user's own join takes up an invitation.
/// </summary>
public sealed record ListRoom(string Username, string Room, RoomKind Kind, string? InvitedBy = null) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>
/// Asked of the inviter's own account before an invitation goes to a room: answered with an
/// <see cref="InvitationAnswer"/>, refused past <see cref="InvitationLimits.PerHour"/>.
/// </summary>
public sealed record SpendInvitation(string Username) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>
/// Asked of the invited user's account before an invitation goes to a room: whether the account exists and may
/// hold one more invitation from <paramref name="Inviter"/>. Answered with an <see cref="InvitationAnswer"/>.
/// </summary>
public sealed record CheckInvitation(string Username, string Inviter, string Room) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>
/// Whether an invitation may go on: <paramref name="Code"/> null, or the error code and message that refuse it. The
/// invited user's account, allowing it, says how the user registered their name (<paramref name="Username"/>).
/// </summary>
public sealed record InvitationAnswer(string? Code, string Message, string? Username = null) : IWireMessage
{
    public static readonly InvitationAnswer Allowed = new(null, "");

    public static InvitationAnswer AllowedFor(string username) => new(null, "", username);
}

/// <summary>
/// Takes <paramref name="Room"/> off the user's list, for <paramref name="Reason"/> (<see cref="RoomListChange.Forgotten"/>
/// or <see cref="RoomListChange.Removed"/>). <paramref name="ReplyTo"/>, when set, is answered with the change (as
/// <see cref="RoomListChange.Answer"/>), even when the room was not listed.
/// </summary>
public sealed record UnlistRoom(string Username, string Room, string Reason, IActorRef? ReplyTo = null) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>
/// Sets how much of <paramref name="Room"/>, listed by the user, reaches their attention. Once stored, every connection
/// of the user is told (<see cref="RoomNotifyChange"/>), <paramref name="ReplyTo"/> as the answer; a room not listed is
/// refused with <c>not_joined</c>.
/// </summary>
public sealed record SetRoomNotify(string Username, string Room, RoomNotify Level, IActorRef ReplyTo) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>The user's setting for a room changed (<paramref name="Answer"/>: told to the connection that asked for it).</summary>
public sealed record RoomNotifyChange(string Room, RoomNotify Level, bool Answer = false) : IWireMessage;

/// <summary>Asks for the user's room list: answered with <see cref="RoomList"/>.</summary>
public sealed record GetRooms(string Username) : IAccountCommand
{
    public string Key => AccountActor.KeyOf(Username);
}

/// <summary>The user's rooms, in the order they were listed.</summary>
public sealed record RoomList(IReadOnlyList<ListedRoom> Rooms) : IWireMessage;
