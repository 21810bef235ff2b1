namespace ActorChat.Protocol;

/// <summary>The fixed limits of the protocol (configurable limits live in options classes).</summary>
public static class Limits
{
    /// <summary>The protocol version the server speaks, announced in <c>welcome</c>.</summary>
    public const int ProtocolVersion = 2;

    public const int MaxRoomLength = 64;
    public const int MaxClientIdLength = 64;
    public const int MaxTextLength = 4000;

    /// <summary>The longest reason a moderator gives for a kick, ban or mute, in characters.</summary>
    public const int MaxReasonLength = 500;
    public const int DefaultHistoryLimit = 50;
    public const int MaxHistoryLimit = 200;
    public const int JoinBacklog = 50;
    public const int DefaultDirectoryLimit = 50;
    public const int MaxDirectoryLimit = 100;

    /// <summary>Most UTF-8 bytes of a reaction's emoji (a family or flag sequence takes up to about 30).</summary>
    public const int MaxReactionBytes = 32;

    /// <summary>
    /// A reaction is one emoji: a single user-perceived character (grapheme) of at most <see cref="MaxReactionBytes"/>
    /// bytes that is not a plain ASCII character, whitespace or a control character.
    /// </summary>
    public static bool IsValidReaction(string emoji)
    {
        if (emoji.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(emoji) > MaxReactionBytes)
            return false;
        if (System.Globalization.StringInfo.GetNextTextElementLength(emoji) != emoji.Length)
            return false;
        if (emoji.Length == 1 && emoji[0] < 128)
            return false;
        foreach (var rune in emoji.EnumerateRunes())
        {
            if (System.Text.Rune.IsWhiteSpace(rune) || System.Text.Rune.IsControl(rune))
                return false;
        }
        return true;
    }

    /// <summary>The prefix of a direct room's name: <c>dm:</c>, then the two usernames in lower case, in order, split by <c>:</c>.</summary>
    public const string DirectPrefix = "dm:";

    /// <summary>The direct room of two users (given in any case); null when they are the same user.</summary>
    public static string? DirectRoom(string user, string other)
    {
        var (a, b) = (user.ToLowerInvariant(), other.ToLowerInvariant());
        var order = string.CompareOrdinal(a, b);
        return order == 0 ? null : order < 0 ? $"{DirectPrefix}{a}:{b}" : $"{DirectPrefix}{b}:{a}";
    }

    /// <summary>The two users of a well-formed direct room name, or null when <paramref name="room"/> is not one.</summary>
    public static (string First, string Second)? DirectRoomUsers(string room)
    {
        if (!room.StartsWith(DirectPrefix, StringComparison.Ordinal))
            return null;
        var parts = room[DirectPrefix.Length..].Split(':');
        if (parts.Length != 2 || !IsLowerUsername(parts[0]) || !IsLowerUsername(parts[1]) || string.CompareOrdinal(parts[0], parts[1]) >= 0)
            return null;
        return (parts[0], parts[1]);
    }

    /// <summary>A room a client may name: a public or private room's name, or a well-formed direct room's.</summary>
    public static bool IsValidRoomOrDirect(string room) => IsValidRoom(room) || DirectRoomUsers(room) is not null;

    // A username (3 to 32 characters of A-Z a-z 0-9 _ . -) as it appears in a direct room's name: in lower case.
    private static bool IsLowerUsername(string name) =>
        name.Length is >= 3 and <= 32 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-');

    /// <summary>Room names: 1 to 64 characters of a-z 0-9 _ -.</summary>
    public static bool IsValidRoom(string room)
    {
        if (room.Length is 0 or > MaxRoomLength)
            return false;
        foreach (var c in room)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-'))
                return false;
        }
        return true;
    }
}
