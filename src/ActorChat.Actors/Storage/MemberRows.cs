using System.Globalization;
using ActorChat.Accounts;
using ActorChat.Rooms;

namespace ActorChat.Storage;

/// <summary>
/// Members' rows of the message table: whether each member's account lists the room, and how far they read it. With
/// each room's own row (its latest seq, written with its events) and whether it is private, they give a user's
/// unread counts in one read at sign-in, and the directory its member counts, without waking a single room.
/// </summary>
public sealed class MemberRows
{
    private readonly TableDatabase _database;
    private readonly TableSchema _schema;
    private readonly TableWriter _writer;

    internal MemberRows(TableDatabase database, TableSchema schema, TableWriter writer)
    {
        _database = database;
        _schema = schema;
        _writer = writer;
    }

    /// <summary>
    /// Records that <paramref name="member"/>'s account lists <paramref name="room"/> as <paramref name="kind"/> (since
    /// <paramref name="at"/>, which orders the list), or (null) no longer does; <paramref name="invitedBy"/> names the
    /// inviter while the listing is an invitation not taken up. Completes once the row is committed.
    /// </summary>
    public Task RememberListingAsync(string room, string member, RoomKind? kind, DateTimeOffset at, string? invitedBy = null) =>
        _writer.WriteAsync(new TableWrite(room, [], 0, new MemberWrite(member, kind is not null, 0, at.UtcTicks, kind, kind is null ? null : invitedBy)));

    /// <summary>
    /// The rooms <paramref name="member"/>'s account lists, in the order they were listed, at most <paramref name="limit"/>;
    /// each with its kind (rows of earlier versions have none: a direct room by its name, a private one as its creation
    /// recorded) and, for an invitation not taken up, its inviter.
    /// </summary>
    public async Task<IReadOnlyList<ListedRoom>> ReadListedRoomsAsync(string member, int limit)
    {
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await _database.OpenAsync().ConfigureAwait(false);
        // Rows listed before listed_at existed have none: they come first, by name.
        await using var command = TableDatabase.Command(connection, """
            SELECT m.room, m.kind, COALESCE(a.private, 0), m.invited_by FROM actorchat_members m
            LEFT JOIN actorchat_room_access a ON a.room = m.room
            WHERE m.member = @member AND m.listed = 1
            ORDER BY COALESCE(m.listed_at, 0), m.room LIMIT @limit
            """, ("member", member), ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var rooms = new List<ListedRoom>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            var room = reader.GetString(0);
            var kind = !reader.IsDBNull(1) ? (RoomKind)Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture)
                : Protocol.Limits.DirectRoomUsers(room) is not null ? RoomKind.Direct
                : Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture) == 1 ? RoomKind.Private : RoomKind.Public;
            rooms.Add(new ListedRoom(room, kind, reader.IsDBNull(3) ? null : reader.GetString(3)));
        }
        return rooms;
    }

    /// <summary>
    /// Projects that <paramref name="member"/> read <paramref name="room"/> up to <paramref name="seq"/>; a marker never
    /// moves back. Only the room's <see cref="Rooms.ReadMarkersActor"/> calls it, after its journal stored the move.
    /// </summary>
    public void RememberRead(string room, string member, long seq) => Enqueue(room, new MemberWrite(member, null, seq, 0, null, null));

    /// <summary>
    /// Records how much of <paramref name="room"/>, which <paramref name="member"/>'s account lists, reaches their
    /// attention. Only the account calls it; completes once the row is committed.
    /// </summary>
    public Task RememberNotifyAsync(string room, string member, Protocol.RoomNotify level) =>
        _writer.WriteAsync(new TableWrite(room, [], 0, new MemberWrite(member, null, 0, 0, null, null, level)));

    /// <summary>How far each member read <paramref name="room"/>, as the table holds it, by member key.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ReadReadMarkersAsync(string room)
    {
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await _database.OpenAsync().ConfigureAwait(false);
        await using var command = TableDatabase.Command(connection, "SELECT member, read_seq FROM actorchat_members WHERE room = @room", ("room", room));
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var markers = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync().ConfigureAwait(false))
            markers[reader.GetString(0)] = reader.GetInt64(1);
        return markers;
    }

    // Nothing waits on these rows: they follow the read markers' journal, which restores any the table lost.
    private void Enqueue(string room, MemberWrite member) => _writer.Enqueue(new TableWrite(room, [], 0, member));

    /// <summary>
    /// For each of <paramref name="rooms"/>: its latest seq and last activity (zero and null when nothing was stored
    /// in it yet), how far <paramref name="member"/> read it, their setting for it, and how many of the messages after
    /// their marker mention them (in a direct room: every one of the other's).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, RoomState>> ReadRoomStatesAsync(string member, IReadOnlyCollection<string> rooms)
    {
        var states = rooms.ToDictionary(room => room, _ => new RoomState(0, null, 0), StringComparer.Ordinal);
        if (rooms.Count == 0)
            return states;
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await _database.OpenAsync().ConfigureAwait(false);
        await using (var command = TableDatabase.Command(connection, "SELECT room, read_seq, notify FROM actorchat_members WHERE member = @member", ("member", member)))
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                if (states.TryGetValue(reader.GetString(0), out var state))
                {
                    var notify = reader.IsDBNull(2) ? Protocol.RoomNotify.All : (Protocol.RoomNotify)Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture);
                    states[reader.GetString(0)] = state with { Read = reader.GetInt64(1), Notify = notify };
                }
            }
        }
        foreach (var chunk in rooms.Chunk(200))
        {
            var names = string.Join(", ", chunk.Select((_, i) => "@r" + i.ToString(CultureInfo.InvariantCulture)));
            await using var command = TableDatabase.Command(connection, $"SELECT room, seq, updated_at FROM actorchat_rooms WHERE room IN ({names})",
                [.. chunk.Select((room, i) => ("r" + i.ToString(CultureInfo.InvariantCulture), (object?)room))]);
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var room = reader.GetString(0);
                states[room] = states[room] with { Seq = reader.GetInt64(1), LastActivity = TableDatabase.Time(reader.GetInt64(2)) };
            }
        }
        foreach (var (room, state) in states.Where(pair => pair.Value.Unread > 0).ToList())
            states[room] = state with { Mentions = await CountMentionsAsync(connection, room, member, state.Read).ConfigureAwait(false) };
        return states;
    }

    /// <summary>The most unread messages read to count mentions in one room: a count past it is shown as it.</summary>
    public const int MentionScanLimit = 1000;

    // Others' messages after the marker that mention the member; in a direct room, every one of the other's. The
    // database narrows the candidates (LIKE, in lower case on both sides), the page's own rule decides (Mentions).
    private static async Task<long> CountMentionsAsync(System.Data.Common.DbConnection connection, string room, string member, long read)
    {
        var direct = Protocol.Limits.DirectRoomUsers(room) is not null;
        await using var command = TableDatabase.Command(connection, $"""
            SELECT body FROM actorchat_messages
            WHERE room = @room AND seq > @read AND deleted_at IS NULL AND LOWER(sender) <> @member
                {(direct ? "" : "AND LOWER(body) LIKE @pattern")}
            ORDER BY seq LIMIT @limit
            """, ("room", room), ("read", read), ("member", member), ("pattern", "%@" + member + "%"), ("limit", MentionScanLimit));
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        long count = 0;
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            if (direct || Protocol.Mentions.Of(reader.GetString(0), member))
                count++;
        }
        return count;
    }

    /// <summary>Whether <paramref name="room"/> was created private (a direct room is private by its name alone).</summary>
    public async Task<bool> IsPrivateAsync(string room)
    {
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await _database.OpenAsync().ConfigureAwait(false);
        await using var command = TableDatabase.Command(connection, "SELECT private FROM actorchat_room_access WHERE room = @room", ("room", room));
        return await command.ExecuteScalarAsync().ConfigureAwait(false) is { } value and not DBNull && Convert.ToInt32(value, CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>
    /// Public rooms whose names start with <paramref name="prefix"/>, in name order after <paramref name="after"/>
    /// (the last name of the page before), at most <paramref name="limit"/> of them; with how many accounts list
    /// each. Only rooms with something stored in them are listed.
    /// </summary>
    public async Task<IReadOnlyList<DirectoryEntry>> ReadDirectoryAsync(string prefix, string? after, int limit)
    {
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await _database.OpenAsync().ConfigureAwait(false);
        // Direct rooms (dm:...) and private rooms are never listed. substr, not LIKE: a room name may hold '_', and
        // LIKE's case rules differ between the two databases.
        await using var command = TableDatabase.Command(connection, """
            SELECT r.room, r.seq, r.updated_at,
                (SELECT COUNT(*) FROM actorchat_members m WHERE m.room = r.room AND m.listed = 1)
            FROM actorchat_rooms r
            WHERE substr(r.room, 1, 3) <> 'dm:' AND substr(r.room, 1, @length) = @prefix AND r.room > @after
                AND NOT EXISTS (SELECT 1 FROM actorchat_room_access a WHERE a.room = r.room AND a.private = 1)
            ORDER BY r.room LIMIT @limit
            """, ("prefix", prefix), ("length", Math.Max(prefix.Length, 0)), ("after", after ?? ""), ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var entries = new List<DirectoryEntry>();
        while (await reader.ReadAsync().ConfigureAwait(false))
            entries.Add(new DirectoryEntry(reader.GetString(0), reader.GetInt64(3), reader.GetInt64(1), TableDatabase.Time(reader.GetInt64(2))));
        return entries;
    }

    /// <summary>
    /// Writes a member's row in the writer's transaction: a listing or its end (which puts the setting back to "all"),
    /// the member's setting for the room, or a read marker that never moves back.
    /// </summary>
    internal static Task ApplyAsync(TableStatements statements, string room, MemberWrite member) => member.Notify is { } notify
        ? statements.RunAsync("UPDATE actorchat_members SET notify = @notify WHERE room = @room AND member = @member",
            ("room", room), ("member", member.Member), ("notify", notify == Protocol.RoomNotify.All ? DBNull.Value : (short)notify))
        : member.Listed is { } listed
        ? statements.RunAsync("""
            INSERT INTO actorchat_members (room, member, listed, read_seq, listed_at, kind, invited_by)
            VALUES (@room, @member, @listed, 0, @at, @kind, @invited_by)
            ON CONFLICT (room, member) DO UPDATE SET listed = excluded.listed,
                listed_at = CASE WHEN actorchat_members.listed = 1 AND excluded.listed = 1 THEN actorchat_members.listed_at ELSE excluded.listed_at END,
                kind = CASE WHEN excluded.listed = 1 THEN excluded.kind ELSE actorchat_members.kind END,
                invited_by = excluded.invited_by,
                notify = CASE WHEN excluded.listed = 1 THEN actorchat_members.notify ELSE NULL END
            """, ("room", room), ("member", member.Member), ("listed", (short)(listed ? 1 : 0)), ("at", member.ListedAt),
            ("kind", member.Kind is { } kind ? (short)kind : DBNull.Value), ("invited_by", (object?)member.InvitedBy ?? DBNull.Value))
        : statements.RunAsync("""
            INSERT INTO actorchat_members (room, member, listed, read_seq) VALUES (@room, @member, 0, @read)
            ON CONFLICT (room, member) DO UPDATE SET read_seq = excluded.read_seq WHERE actorchat_members.read_seq < excluded.read_seq
            """, ("room", room), ("member", member.Member), ("read", member.ReadSeq));
}

/// <summary>
/// A row of a member's: <see cref="Listed"/> set records a listing (as <see cref="Kind"/>, made at <see cref="ListedAt"/>,
/// in ticks, an invitation by <see cref="InvitedBy"/> not taken up when set) or its end, null records a read marker at
/// <see cref="ReadSeq"/>; <see cref="Notify"/> set records the member's setting for the room instead.
/// </summary>
internal sealed record MemberWrite(string Member, bool? Listed, long ReadSeq, long ListedAt, RoomKind? Kind, string? InvitedBy, Protocol.RoomNotify? Notify = null);

/// <summary>
/// Where a room stands for one member: its latest seq, when something last happened in it, how far they read, their
/// setting for it, and how many unread messages mention them.
/// </summary>
public sealed record RoomState(long Seq, DateTimeOffset? LastActivity, long Read, Protocol.RoomNotify Notify = Protocol.RoomNotify.All, long Mentions = 0)
{
    /// <summary>Messages after the member's read marker.</summary>
    public long Unread => Math.Max(0, Seq - Read);
}

/// <summary>A public room in the directory: how many accounts list it, its latest seq, and when something last happened in it.</summary>
public sealed record DirectoryEntry(string Room, long Members, long Seq, DateTimeOffset LastActivity);
