using System.Globalization;
using System.Text;

namespace ActorChat.Search;

/// <summary>
/// What a user searches for, as they typed it: words and "quoted phrases" (every one must match, in any order; a
/// phrase's words together and in order), and filters: <c>from:name</c>, <c>in:room</c>, <c>before:date</c> and
/// <c>after:date</c> (a day, <c>2026-12-01</c>, or a time in ISO 8601). Words are split, and compared, as the index
/// splits them: runs of letters and digits, without regard to case or accents.
/// </summary>
public sealed record SearchQuery(IReadOnlyList<string> Words, IReadOnlyList<IReadOnlyList<string>> Phrases, string? From, string? In,
    DateTimeOffset? Before, DateTimeOffset? After)
{
    /// <summary>The longest query a user may send, in characters.</summary>
    public const int MaxLength = 500;

    /// <summary>How many words, phrases' included, one query may hold.</summary>
    public const int MaxWords = 16;

    /// <summary>Every word the query asks for, phrases' included, folded as the index folds them.</summary>
    public IEnumerable<string> AllWords => Words.Concat(Phrases.SelectMany(phrase => phrase));

    /// <summary>The query, or why it is none: too long, too many words, a filter that does not parse, or no word at all.</summary>
    public static (SearchQuery? Query, string? Problem) Parse(string text)
    {
        if (text.Length > MaxLength)
            return (null, $"a search is at most {MaxLength} characters");
        var words = new List<string>();
        var phrases = new List<IReadOnlyList<string>>();
        string? from = null, room = null;
        DateTimeOffset? before = null, after = null;
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }
            if (text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                var phrase = end < 0 ? text[(i + 1)..] : text[(i + 1)..end];
                i = end < 0 ? text.Length : end + 1;
                var split = Split(phrase);
                if (split.Count == 1)
                    words.Add(split[0]);
                else if (split.Count > 1)
                    phrases.Add(split);
                continue;
            }
            var stop = i;
            while (stop < text.Length && !char.IsWhiteSpace(text[stop]))
                stop++;
            var token = text[i..stop];
            i = stop;
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = colon > 0 ? (token[..colon].ToLowerInvariant(), token[(colon + 1)..]) : ("", token);
            switch (name)
            {
                case "from" when value.Length > 0:
                    from = value.TrimStart('@');
                    break;
                case "in" when value.Length > 0:
                    room = value.TrimStart('#');
                    break;
                case "before" or "after":
                    if (ParseTime(value, endOfDay: name == "after") is not { } at)
                        return (null, $"'{token}': {name}: takes a day (2026-12-01) or a time in ISO 8601");
                    if (name == "before")
                        before = at;
                    else
                        after = at;
                    break;
                default:
                    words.AddRange(Split(token));
                    break;
            }
        }
        if (words.Count + phrases.Sum(phrase => phrase.Count) > MaxWords)
            return (null, $"a search holds at most {MaxWords} words");
        if (words.Count == 0 && phrases.Count == 0)
            return (null, "a search needs at least one word to look for");
        return (new SearchQuery(words.Distinct().ToList(), phrases, from, room, before, after), null);
    }

    /// <summary>The words of <paramref name="text"/>, folded: runs of letters and digits, lower case, without accents.</summary>
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        foreach (var (start, length) in Tokens(text))
            words.Add(Fold(text.Substring(start, length)));
        return words;
    }

    /// <summary>Where each word of <paramref name="text"/> is (UTF-16 offsets), as the index splits words.</summary>
    public static IEnumerable<(int Start, int Length)> Tokens(string text)
    {
        var start = -1;
        var i = 0;
        while (i < text.Length)
        {
            var width = char.IsSurrogatePair(text, i) ? 2 : 1;
            var inWord = char.IsLetterOrDigit(text, i)
                || (start >= 0 && CharUnicodeInfo.GetUnicodeCategory(text, i) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark);
            if (inWord && start < 0)
                start = i;
            else if (!inWord && start >= 0)
            {
                yield return (start, i - start);
                start = -1;
            }
            i += width;
        }
        if (start >= 0)
            yield return (start, text.Length - start);
    }

    /// <summary>A word as the index compares it: lower case, accents taken off (Latin letters, as the SQLite index folds them).</summary>
    public static string Fold(string word)
    {
        var folded = new StringBuilder(word.Length);
        foreach (var c in word)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
                continue;
            var lower = char.ToLowerInvariant(c);
            folded.Append(Unaccented.TryGetValue(lower, out var plain) ? plain : lower);
        }
        return folded.ToString();
    }

    // The letters of Latin-1 and Latin Extended-A with their accents taken off. (Built here rather than by Unicode
    // decomposition, which this server's invariant globalization does not do.)
    private static readonly Dictionary<char, char> Unaccented = new[]
    {
        ('a', "àáâãäåāăą"), ('c', "çćĉċč"), ('d', "ďđ"), ('e', "èéêëēĕėęě"), ('g', "ĝğġģ"), ('h', "ĥħ"), ('i', "ìíîïĩīĭįı"),
        ('j', "ĵ"), ('k', "ķ"), ('l', "ĺļľŀł"), ('n', "ñńņň"), ('o', "òóôõöøōŏő"), ('r', "ŕŗř"), ('s', "śŝşš"), ('t', "ţťŧ"),
        ('u', "ùúûüũūŭůűų"), ('w', "ŵ"), ('y', "ýÿŷ"), ('z', "źżž"),
    }.SelectMany(group => group.Item2.Select(accented => (accented, group.Item1))).ToDictionary(pair => pair.accented, pair => pair.Item2);

    // A day is its start (before:) or the start of the next day (after: means after that day); a time is itself.
    private static DateTimeOffset? ParseTime(string value, bool endOfDay)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(endOfDay ? 1 : 0);
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUniversalTime() : null;
    }

    /// <summary>Where the query's words are in <paramref name="text"/>: the spans a client marks.</summary>
    public IReadOnlyList<(int Start, int End)> Marks(string text)
    {
        var wanted = AllWords.ToHashSet(StringComparer.Ordinal);
        var marks = new List<(int, int)>();
        foreach (var (start, length) in Tokens(text))
        {
            if (wanted.Contains(Fold(text.Substring(start, length))))
                marks.Add((start, start + length));
        }
        return marks;
    }
}
