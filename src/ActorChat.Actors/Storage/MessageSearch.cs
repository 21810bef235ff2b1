using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorChat.Search;

namespace ActorChat.Storage;

/// <summary>A message a search found: where it is, who sent it, its text now, and when it was sent.</summary>
public sealed record SearchHit(string Room, long Seq, string From, string Text, DateTimeOffset Timestamp);

/// <summary>A page of hits, newest first, and where the next page starts (null: none).</summary>
public sealed record SearchPage(IReadOnlyList<SearchHit> Hits, string? Next);

/// <summary>
/// Full-text search of the message table, over its index (see <see cref="TableSchema"/>): every message the user may
/// read now, decided in the same query. That is a public room's (not a direct room's) unless the user is banned
/// from it, or a private or direct room's the user has in their room list as their own (not an invitation they
/// have not taken up; a room they left or were removed from is not in it); never a deleted message, nor one of a
/// user they blocked. Newest first, a page at a time.
/// </summary>
internal sealed class MessageSearch(TableDatabase database, TableSchema schema)
{
    private const string Access = """
        AND m.deleted_at IS NULL
        AND ((m.room NOT LIKE 'dm:%' AND NOT EXISTS (SELECT 1 FROM actorchat_room_access a WHERE a.room = m.room AND a.private = 1))
             OR EXISTS (SELECT 1 FROM actorchat_members l WHERE l.room = m.room AND l.member = @user AND l.listed = 1 AND l.invited_by IS NULL))
        AND NOT EXISTS (SELECT 1 FROM actorchat_moderation b WHERE b.room = m.room AND LOWER(b.member) = @user AND b.action = 'ban'
             AND (b.until_at IS NULL OR b.until_at > @now)
             AND NOT EXISTS (SELECT 1 FROM actorchat_moderation u WHERE u.room = b.room AND LOWER(u.member) = @user AND u.action = 'unban' AND u.rev > b.rev))
        """;

    /// <summary>How many stored messages the embedded store's index has not taken in yet (always 0 on PostgreSQL).</summary>
    public async Task<long> BacklogAsync()
    {
        await schema.Ready.ConfigureAwait(false);
        if (database.IsShared)
            return 0;
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        await using var command = TableDatabase.Command(connection,
            "SELECT COUNT(*) FROM actorchat_messages WHERE rowid > (SELECT indexed_rowid FROM actorchat_search_state)");
        return Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<SearchPage> SearchAsync(SearchQuery query, string user, IReadOnlyCollection<string> blocked, string? after, int limit,
        DateTimeOffset now)
    {
        await schema.Ready.ConfigureAwait(false);
        var parameters = new List<(string, object?)>
        {
            ("user", user.ToLowerInvariant()), ("now", now.UtcTicks), ("limit", limit + 1),
        };
        var filters = new StringBuilder(Access);
        if (query.From is { } from)
        {
            filters.Append(" AND LOWER(m.sender) = @from");
            parameters.Add(("from", from.ToLowerInvariant()));
        }
        if (query.In is { } room)
        {
            filters.Append(" AND m.room = @room");
            parameters.Add(("room", room.ToLowerInvariant()));
        }
        if (query.Before is { } before)
        {
            filters.Append(" AND m.sent_at < @before");
            parameters.Add(("before", before.UtcTicks));
        }
        if (query.After is { } since)
        {
            filters.Append(" AND m.sent_at >= @after");
            parameters.Add(("after", since.UtcTicks));
        }
        string sql;
        if (database.IsShared)
        {
            var tsquery = new List<string>();
            if (query.Words.Count > 0)
            {
                tsquery.Add("plainto_tsquery('simple', @words)");
                parameters.Add(("words", string.Join(' ', query.Words)));
            }
            for (var i = 0; i < query.Phrases.Count; i++)
            {
                tsquery.Add($"phraseto_tsquery('simple', @phrase{i})");
                parameters.Add(($"phrase{i}", string.Join(' ', query.Phrases[i])));
            }
            filters.Append(" AND NOT (LOWER(m.sender) = ANY(@blocked))");
            parameters.Add(("blocked", blocked.Select(name => name.ToLowerInvariant()).ToArray()));
            sql = $"""
                SELECT m.room, m.seq, m.sender, m.body, m.sent_at, 0 FROM actorchat_messages m
                WHERE m.search @@ ({string.Join(" && ", tsquery)}) {filters}{After(after, parameters)}
                ORDER BY m.sent_at DESC, m.room DESC, m.seq DESC LIMIT @limit
                """;
        }
        else
        {
            // Each word and phrase quoted, so that nothing a user types is read as FTS5 syntax.
            var match = string.Join(' ', query.Words.Select(Quote).Concat(query.Phrases.Select(phrase => Quote(string.Join(' ', phrase)))));
            parameters.Add(("match", match));
            filters.Append(" AND LOWER(m.sender) NOT IN (SELECT value FROM json_each(@blocked))");
            parameters.Add(("blocked", JsonSerializer.Serialize(blocked.Select(name => name.ToLowerInvariant()).ToArray())));
            // The index is walked newest first (its keys are in time order) and stops at the page's end: a common word
            // costs no more than a rare one.
            sql = $"""
                SELECT m.room, m.seq, m.sender, m.body, m.sent_at, s.rowid FROM actorchat_search s
                JOIN actorchat_messages m ON m.search_key = s.rowid
                WHERE actorchat_search MATCH @match {filters}{AfterKey(after, parameters)}
                ORDER BY s.rowid DESC LIMIT @limit
                """;
        }
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        await using var command = TableDatabase.Command(connection, sql, [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var hits = new List<SearchHit>();
        string? next = null;
        var lastKey = 0L;
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            if (hits.Count == limit)
            {
                var last = hits[^1];
                next = database.IsShared ? Position(last) : lastKey.ToString(CultureInfo.InvariantCulture);
                break;
            }
            hits.Add(new SearchHit(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), TableDatabase.Time(reader.GetInt64(4))));
            lastKey = reader.GetInt64(5);
        }
        return new SearchPage(hits, next);
    }

    // Past the position the page before ended at, in the same order: newest first, then by room and seq.
    private static string After(string? after, List<(string, object?)> parameters)
    {
        if (after is null)
            return "";
        if (ParsePosition(after) is not var (ticks, room, seq))
            throw new FormatException("not a position of this search");
        parameters.AddRange([("at_ticks", ticks), ("at_room", room), ("at_seq", seq)]);
        return " AND (m.sent_at, m.room, m.seq) < (@at_ticks, @at_room, @at_seq)";
    }

    // Past the index key the page before ended at (SQLite).
    private static string AfterKey(string? after, List<(string, object?)> parameters)
    {
        if (after is null)
            return "";
        if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var key))
            throw new FormatException("not a position of this search");
        parameters.Add(("key", key));
        return " AND s.rowid < @key";
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Position(SearchHit hit) => $"{hit.Timestamp.UtcTicks}.{hit.Seq}.{hit.Room}";

    private static (long Ticks, string Room, long Seq)? ParsePosition(string text)
    {
        var parts = text.Split('.', 3);
        return parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            ? (ticks, parts[2], seq)
            : null;
    }
}
