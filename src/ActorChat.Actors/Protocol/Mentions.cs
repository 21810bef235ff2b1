using System.Text.RegularExpressions;

namespace ActorChat.Protocol;

/// <summary>
/// Whether a message's text mentions a user: <c>@name</c>, not inside a word, an address, a <c>`code`</c> span or a
/// link. The rule is the browser page's (web/js/ui/richtext.js), so that a count of unread mentions made here agrees
/// with the mentions the page marks and counts as they arrive.
/// </summary>
public static partial class Mentions
{
    public static bool Of(string text, string user)
    {
        if (!text.Contains('@', StringComparison.Ordinal))
            return false;
        var plain = UrlPattern().Replace(CodePattern().Replace(text, " "), " ");
        foreach (Match match in MentionPattern().Matches(plain))
        {
            if (string.Equals(match.Groups[1].Value, user, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    [GeneratedRegex("`([^`\n]+)`")]
    private static partial Regex CodePattern();

    [GeneratedRegex("""\bhttps?://[^\s<>"'`]+""", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPattern();

    // A username after @ (3 to 32 of A-Z a-z 0-9 _ . -), not after a word character, @, . or -; a final dot ends the sentence.
    [GeneratedRegex("(?<![A-Za-z0-9_@.-])@([A-Za-z0-9_.-]{2,31}[A-Za-z0-9_-])")]
    private static partial Regex MentionPattern();
}
