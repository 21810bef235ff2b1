using ActorChat.Serialization;

namespace ActorChat.Accounts;

/// <summary>
/// What a user shows of themselves: a display name, a short status and an avatar (a photo's id), each null when not
/// set. The account owns it (<see cref="ProfileChanged"/>); <paramref name="Rev"/> counts its changes, so that of two
/// copies the higher is the newer.
/// </summary>
public sealed record UserProfile(string User, string? Name, string? Status, string? Avatar, long Rev) : IWireMessage;

/// <summary>
/// A change to a profile as the user asked for it: each field either set (null clears it) or left as it is.
/// </summary>
public sealed record ProfileEdit(bool SetName, string? Name, bool SetStatus, string? Status, bool SetAvatar, string? Avatar)
{
    /// <summary>The profile <paramref name="current"/> becomes: the fields set replace its own.</summary>
    public (string? Name, string? Status, string? Avatar) Apply(UserProfile current) =>
        (SetName ? Name : current.Name, SetStatus ? Status : current.Status, SetAvatar ? Avatar : current.Avatar);
}

/// <summary>The bounds of a profile's texts, in characters (text elements: an emoji with its modifiers counts one).</summary>
public static class ProfileText
{
    public const int MaxNameLength = 64;
    public const int MaxStatusLength = 140;
}
