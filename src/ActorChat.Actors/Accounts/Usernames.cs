namespace ActorChat.Accounts;

/// <summary>The rules for user names and passwords of the account API.</summary>
public static class Usernames
{
    public const int MinLength = 3;
    public const int MaxLength = 32;
    public const int MinPasswordLength = 8;

    /// <summary>3 to 32 characters of A-Z a-z 0-9 _ . -</summary>
    public static bool IsValid(string? username)
    {
        if (username is null || username.Length is < MinLength or > MaxLength)
            return false;
        foreach (var c in username)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.' or '-'))
                return false;
        }
        return true;
    }

    public static bool IsStrongEnough(string? password) => password is not null && password.Length >= MinPasswordLength;
}
