using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Storage;

/// <summary>
/// Every stored message in its current state, keyed by room and seq, with the reactions to it, each room's
/// revision and latest seq, and each member's standing in a room (listed by their account, read up to where: the
/// <see cref="Members"/>). The journal stays the record of what happened; this table is what it amounts to, so that a
/// page of old history, or an edit of an old message, is one indexed read however long the room is.
/// </summary>
/// <remarks>
/// <para>Rooms hand each stored batch of events here after the journal took it; one writer per node
/// (<see cref="TableWriter"/>) takes the batches of every room waiting, in order, into one transaction
/// (<see cref="TableStatements"/>). Each row remembers the revision of the last event applied to it and takes only
/// later ones, so applying an event twice, or a late write from a room's previous node after its next one, changes
/// nothing. The room's row records how far the table got: a room that recovers applies again every event after it
/// (see <see cref="RoomRecovery"/>). The schema is made on first use (<see cref="TableSchema"/>).</para>
/// <para>On SQLite it is a file of its own beside the journal's (<see cref="StorageSettings.MessageTablePath"/>), so
/// that its writes never hold the lock the journal's writes need, and its commits are not flushed to the disk (the
/// journal's are): a machine crash may lose the newest rows, and the journal puts them back.</para>
/// </remarks>
public sealed class MessageTable : IExtension, IAsyncDisposable
{
    private readonly TableSchema _schema;
    private readonly TableWriter _writer;

    private MessageTable(bool postgres, string connectionString)
    {
        Database = new TableDatabase(postgres, connectionString);
        _schema = new TableSchema(Database);
        _writer = new TableWriter(Database, _schema);
        Members = new MemberRows(Database, _schema, _writer);
        Profiles = new ProfileRows(Database, _schema);
        _search = new MessageSearch(Database, _schema);
    }

    private readonly MessageSearch _search;

    /// <summary>
    /// A page of the messages <paramref name="user"/> may read now that match <paramref name="query"/>, newest first,
    /// leaving out those of the users in <paramref name="blocked"/>; <paramref name="after"/> is the <c>Next</c> of the
    /// page before. A malformed <paramref name="after"/> throws <see cref="FormatException"/>.
    /// </summary>
    public Task<SearchPage> SearchAsync(Search.SearchQuery query, string user, IReadOnlyCollection<string> blocked, string? after, int limit, DateTimeOffset now) =>
        _search.SearchAsync(query, user, blocked, after, limit, now);

    /// <summary>How many stored messages search does not find yet: the index takes them in within about a second.</summary>
    public Task<long> SearchBacklogAsync() => _search.BacklogAsync();

    /// <summary>The database the table is in, which the photos' descriptions share.</summary>
    internal TableDatabase Database { get; }

    /// <summary>Members' rows: room lists, read markers, unread counts and the directory.</summary>
    public MemberRows Members { get; }

    /// <summary>Users' profiles, as their accounts stored them.</summary>
    public ProfileRows Profiles { get; }

    /// <summary>The table of <paramref name="system"/>, in the database its <see cref="StorageSettings"/> name.</summary>
    public static MessageTable Get(ActorSystem system) => system.WithExtension<MessageTable, Provider>();

    /// <summary>
    /// Applies <paramref name="events"/> of <paramref name="room"/>, in revision order, and moves the room's row to the
    /// last of them with <paramref name="seq"/> as its latest message. Completes once they are committed.
    /// </summary>
    public Task WriteAsync(string room, IReadOnlyList<RevisedEvent> events, long seq) => _writer.WriteAsync(new TableWrite(room, events, seq));

    /// <summary>Completes once the table's schema (the photos' descriptions included) exists.</summary>
    internal Task SchemaReady => _schema.Ready;

    /// <summary>
    /// True when this node found no table of the rooms' state and made it: a new server, or a table that was lost.
    /// Everything in it but the room lists is then rebuilt from the journals (see <see cref="ProjectionRebuild"/>).
    /// Known once <see cref="SchemaReady"/> completed.
    /// </summary>
    public bool ProjectionCreated => _schema.ProjectionCreated;

    /// <summary>The revision of the last event of <paramref name="room"/> the table took; 0 when none.</summary>
    public async Task<long> ReadRevAsync(string room)
    {
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await Database.OpenAsync().ConfigureAwait(false);
        await using var command = TableDatabase.Command(connection, "SELECT rev FROM actorchat_rooms WHERE room = @room", ("room", room));
        return await command.ExecuteScalarAsync().ConfigureAwait(false) is { } rev and not DBNull ? Convert.ToInt64(rev, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>The messages of <paramref name="room"/> numbered <paramref name="from"/> to <paramref name="to"/> in their current state, oldest first.</summary>
    public async Task<IReadOnlyList<MessageRow>> ReadAsync(string room, long from, long to)
    {
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await Database.OpenAsync().ConfigureAwait(false);
        var rows = new List<MessageRow>();
        var byseq = new Dictionary<long, MessageRow>();
        await using (var command = TableDatabase.Command(connection, """
            SELECT seq, rev, posted_rev, client_id, sender, body, sent_at, edited_at, deleted_at, reply_to, attachment, deleted_by FROM actorchat_messages
            WHERE room = @room AND seq >= @from AND seq <= @to ORDER BY seq
            """, ("room", room), ("from", from), ("to", to)))
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var row = new MessageRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), TableDatabase.Time(reader.GetInt64(6)), reader.IsDBNull(7) ? null : TableDatabase.Time(reader.GetInt64(7)), !reader.IsDBNull(8), [],
                    reader.IsDBNull(9) ? null : reader.GetInt64(9),
                    reader.IsDBNull(10) ? null : System.Text.Json.JsonSerializer.Deserialize(reader.GetString(10), Serialization.StoredJsonContext.Default.MessageAttachment),
                    reader.IsDBNull(11) ? null : reader.GetString(11));
                rows.Add(row);
                byseq[row.Seq] = row;
            }
        }
        if (rows.Count == 0)
            return rows;
        await using (var command = TableDatabase.Command(connection, """
            SELECT seq, emoji, sender FROM actorchat_reactions
            WHERE room = @room AND seq >= @from AND seq <= @to AND active = 1 ORDER BY seq, rev
            """, ("room", room), ("from", rows[0].Seq), ("to", rows[^1].Seq)))
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                if (byseq.TryGetValue(reader.GetInt64(0), out var row))
                    row.Reactions.Add((reader.GetString(1), reader.GetString(2)));
            }
        }
        return rows;
    }

    /// <summary>The newest <paramref name="count"/> changes of <paramref name="room"/> up to revision <paramref name="to"/>: who made each, with which id.</summary>
    public async Task<IReadOnlyList<ChangeRow>> ReadChangesAsync(string room, long to, int count)
    {
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await Database.OpenAsync().ConfigureAwait(false);
        await using var command = TableDatabase.Command(connection, """
            SELECT rev, seq, client_id, sender, changed_at FROM actorchat_changes
            WHERE room = @room AND rev <= @to ORDER BY rev DESC LIMIT @count
            """, ("room", room), ("to", to), ("count", count));
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var changes = new List<ChangeRow>();
        while (await reader.ReadAsync().ConfigureAwait(false))
            changes.Add(new ChangeRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), TableDatabase.Time(reader.GetInt64(4))));
        changes.Reverse();
        return changes;
    }

    /// <summary>Up to <paramref name="limit"/> entries of a room's moderation log before revision <paramref name="before"/> (all when null), newest first.</summary>
    public async Task<IReadOnlyList<ModerationRow>> ReadModerationAsync(string room, long? before, int limit)
    {
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await Database.OpenAsync().ConfigureAwait(false);
        await using var command = TableDatabase.Command(connection, """
            SELECT rev, action, actor, member, role, until_at, reason, seconds, at, message_seq FROM actorchat_moderation
            WHERE room = @room AND rev < @before ORDER BY rev DESC LIMIT @limit
            """, ("room", room), ("before", before ?? long.MaxValue), ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var rows = new List<ModerationRow>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            rows.Add(new ModerationRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : TableDatabase.Time(reader.GetInt64(5)),
                reader.GetString(6), reader.GetInt32(7), TableDatabase.Time(reader.GetInt64(8)), reader.IsDBNull(9) ? null : reader.GetInt64(9)));
        }
        return rows;
    }

    /// <summary>
    /// Stores <paramref name="reporter"/>'s report of message <paramref name="seq"/> of <paramref name="room"/>, once per
    /// client id (a retry finds the first). The reports are kept here and nowhere else: they are what users said, not
    /// what a room's journal did. Null when there is no such message (or it was deleted), or it is the reporter's own.
    /// </summary>
    public async Task<ReportRow?> WriteReportAsync(string room, string reporter, string id, long seq, string reason, DateTimeOffset at)
    {
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await Database.OpenAsync().ConfigureAwait(false);
        string? author;
        await using (var find = TableDatabase.Command(connection,
            "SELECT sender FROM actorchat_messages WHERE room = @room AND seq = @seq AND deleted_at IS NULL", ("room", room), ("seq", seq)))
            author = await find.ExecuteScalarAsync().ConfigureAwait(false) as string;
        if (author is null || string.Equals(author, reporter, StringComparison.OrdinalIgnoreCase))
            return null;
        await using (var insert = TableDatabase.Command(connection, """
            INSERT INTO actorchat_reports (room, reporter, client_id, seq, author, reason, at) VALUES (@room, @reporter, @id, @seq, @author, @reason, @at)
            ON CONFLICT (room, reporter, client_id) DO NOTHING
            """, ("room", room), ("reporter", reporter), ("id", id), ("seq", seq), ("author", author), ("reason", reason), ("at", at.UtcTicks)))
            await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
        await using var stored = TableDatabase.Command(connection, """
            SELECT room, seq, author, reporter, reason, at, handled_by, handled_at FROM actorchat_reports WHERE room = @room AND reporter = @reporter AND client_id = @id
            """, ("room", room), ("reporter", reporter), ("id", id));
        await using var reader = await stored.ExecuteReaderAsync().ConfigureAwait(false);
        return await reader.ReadAsync().ConfigureAwait(false) ? Report(reader) : null;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> reports made before <paramref name="before"/> (all when null), newest first: of
    /// <paramref name="room"/>, or of every room when null; only those not handled yet when <paramref name="open"/>.
    /// </summary>
    public async Task<IReadOnlyList<ReportRow>> ReadReportsAsync(string? room, DateTimeOffset? before, int limit, bool open = false)
    {
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await Database.OpenAsync().ConfigureAwait(false);
        var where = (room is null ? "at < @before" : "room = @room AND at < @before") + (open ? " AND handled_at IS NULL" : "");
        await using var command = TableDatabase.Command(connection, $"""
            SELECT room, seq, author, reporter, reason, at, handled_by, handled_at FROM actorchat_reports WHERE {where} ORDER BY at DESC LIMIT @limit
            """, ("room", room ?? ""), ("before", before?.UtcTicks ?? long.MaxValue), ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var rows = new List<ReportRow>();
        while (await reader.ReadAsync().ConfigureAwait(false))
            rows.Add(Report(reader));
        return rows;
    }

    /// <summary>
    /// Marks every report of message <paramref name="seq"/> of <paramref name="room"/> not handled yet as handled by
    /// <paramref name="moderator"/> at <paramref name="at"/>; returns how many it marked.
    /// </summary>
    public async Task<int> ResolveReportsAsync(string room, long seq, string moderator, DateTimeOffset at)
    {
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await Database.OpenAsync().ConfigureAwait(false);
        await using var command = TableDatabase.Command(connection, """
            UPDATE actorchat_reports SET handled_by = @moderator, handled_at = @at WHERE room = @room AND seq = @seq AND handled_at IS NULL
            """, ("room", room), ("seq", seq), ("moderator", moderator), ("at", at.UtcTicks));
        return await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static ReportRow Report(System.Data.Common.DbDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), TableDatabase.Time(reader.GetInt64(5)),
            reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : TableDatabase.Time(reader.GetInt64(7)));

    /// <summary>Finishes the writes queued, then closes the database.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        await Database.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Provider : ExtensionIdProvider<MessageTable>
    {
        public override MessageTable CreateExtension(ExtendedActorSystem system)
        {
            var storage = SettingsSetup.Find<StorageSettings>(system)
                ?? throw new InvalidOperationException($"The actor system has no {nameof(StorageSettings)}: the message table needs a database.");
            var table = storage.Provider == StorageProvider.PostgreSql
                ? new MessageTable(postgres: true, storage.ConnectionString)
                : new MessageTable(postgres: false, SqliteStore.Prepare(storage.MessageTablePath));
            system.RegisterOnTermination(() => table.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10)));
            return table;
        }
    }
}

/// <summary>A room event with the revision the journal stored it at.</summary>
public readonly record struct RevisedEvent(long Rev, IRoomEvent Event);

/// <summary>A change to a message as the table remembers it: its revision, and who made it with which client id.</summary>
public sealed record ChangeRow(long Rev, long Seq, string Id, string User, DateTimeOffset At);

/// <summary>
/// One entry of a room's moderation log: at revision <paramref name="Rev"/>, <paramref name="Actor"/> did
/// <paramref name="Action"/> to <paramref name="Member"/>; for a message a moderator deleted, <paramref name="Seq"/> is its seq.
/// </summary>
public sealed record ModerationRow(long Rev, string Action, string Actor, string Member, string? Role, DateTimeOffset? Until, string Reason,
    int Seconds, DateTimeOffset At, long? Seq = null);

/// <summary><paramref name="Reporter"/> reported message <paramref name="Seq"/> of <paramref name="Room"/>, sent by <paramref name="Author"/>, at <paramref name="At"/>.</summary>
public sealed record ReportRow(string Room, long Seq, string Author, string Reporter, string Reason, DateTimeOffset At,
    string? HandledBy = null, DateTimeOffset? HandledAt = null);

/// <summary>A message as the table holds it; <see cref="Reactions"/> in the order they were made.</summary>
public sealed record MessageRow(long Seq, long Rev, long PostedRev, string Id, string From, string Text, DateTimeOffset Timestamp,
    DateTimeOffset? EditedAt, bool Deleted, List<(string Emoji, string User)> Reactions, long? ReplyTo = null, Protocol.MessageAttachment? Attachment = null,
    string? DeletedBy = null);
