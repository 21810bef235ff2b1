namespace ActorChat.Accounts;

/// <summary>The server's administrators, bound from the <c>ActorChat:Admin</c> configuration section.</summary>
public sealed class AdminSettings
{
    public const string Section = "ActorChat:Admin";

    /// <summary>
    /// Users (by name, in any case) who may do in every room what its owners may (give roles, kick, ban, mute, set slow
    /// mode and delete any message), and suspend accounts. None by default.
    /// </summary>
    public List<string> Users { get; set; } = [];

    public bool IsAdmin(string user) => Users.Exists(admin => string.Equals(admin, user, StringComparison.OrdinalIgnoreCase));

    public void Validate()
    {
        if (Users.Find(user => !Usernames.IsValid(user)) is { } invalid)
            throw new InvalidOperationException($"{Section}:{nameof(Users)} holds '{invalid}', which is no user name: 3 to 32 characters of A-Z a-z 0-9 _ . -");
    }
}
