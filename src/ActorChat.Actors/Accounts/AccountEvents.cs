using ActorChat.Serialization;

namespace ActorChat.Accounts;

/// <summary>Journal event: an account was created under a name, shown as registered.</summary>
public sealed record AccountRegistered(string Username, string PasswordHash, DateTimeOffset RegisteredAt) : IStoredRecord;

/// <summary>Journal event: one session (a sign-in and all its renewals) was signed out; remembered until it could have ended anyway.</summary>
public sealed record SessionRevoked(string Session, DateTimeOffset Until) : IStoredRecord;

/// <summary>Journal event: every session begun before now was signed out ("sign out everywhere").</summary>
public sealed record AllSessionsRevoked(long Generation) : IStoredRecord;

/// <summary>
/// Journal event: a server administrator (<paramref name="By"/>) suspended the account, until <paramref name="Until"/>
/// (null: until lifted). Its sessions were signed out with it (an <see cref="AllSessionsRevoked"/> follows); its
/// messages stay.
/// </summary>
public sealed record AccountSuspended(string By, string Reason, DateTimeOffset? Until, DateTimeOffset At) : IStoredRecord
{
    public bool Holds(DateTimeOffset now) => Until is not { } end || end > now;
}

/// <summary>Journal event: a server administrator lifted the account's suspension.</summary>
public sealed record SuspensionLifted(string By, DateTimeOffset At) : IStoredRecord;

/// <summary>Journal event: the user blocked <paramref name="User"/> (named as registered).</summary>
public sealed record UserBlocked(string User, DateTimeOffset At) : IStoredRecord;

/// <summary>Journal event: the user unblocked <paramref name="User"/>.</summary>
public sealed record UserUnblocked(string User, DateTimeOffset At) : IStoredRecord;

/// <summary>
/// Journal event: the user's profile became this (display name, status, avatar photo id; null where not set), at
/// revision <paramref name="Rev"/>. Each event holds the whole profile, so the last one is the profile.
/// </summary>
public sealed record ProfileChanged(string? Name, string? Status, string? Avatar, long Rev, DateTimeOffset At) : IStoredRecord;
