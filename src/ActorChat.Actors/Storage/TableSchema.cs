using System.Data.Common;

namespace ActorChat.Storage;

/// <summary>
/// The message table's schema, made on first use by whichever node comes first, and the columns added since its
/// first version.
/// </summary>
internal sealed class TableSchema
{
    private readonly TableDatabase _database;
    private readonly Lazy<Task> _ready;

    public TableSchema(TableDatabase database)
    {
        _database = database;
        _ready = new Lazy<Task>(CreateAsync);
    }

    /// <summary>Completes once the schema (the photos' descriptions included) exists; the first to ask makes it.</summary>
    public Task Ready => _ready.Value;

    /// <summary>
    /// True when this node found no table of the rooms' state and made it: a new server, or a table that was lost.
    /// Known once <see cref="Ready"/> completed.
    /// </summary>
    public bool ProjectionCreated { get; private set; }

    private async Task CreateAsync()
    {
        const string Schema = """
            CREATE TABLE IF NOT EXISTS actorchat_messages (
                room VARCHAR(255) NOT NULL, seq BIGINT NOT NULL, rev BIGINT NOT NULL, posted_rev BIGINT NOT NULL,
                client_id VARCHAR(64) NOT NULL, sender VARCHAR(64) NOT NULL, body TEXT NOT NULL, sent_at BIGINT NOT NULL,
                edited_at BIGINT NULL, deleted_at BIGINT NULL, reply_to BIGINT NULL, attachment TEXT NULL, deleted_by VARCHAR(64) NULL,
                PRIMARY KEY (room, seq));
            CREATE TABLE IF NOT EXISTS actorchat_reactions (
                room VARCHAR(255) NOT NULL, seq BIGINT NOT NULL, emoji VARCHAR(64) NOT NULL, sender VARCHAR(64) NOT NULL,
                rev BIGINT NOT NULL, active SMALLINT NOT NULL, PRIMARY KEY (room, seq, emoji, sender));
            CREATE TABLE IF NOT EXISTS actorchat_changes (
                room VARCHAR(255) NOT NULL, rev BIGINT NOT NULL, seq BIGINT NOT NULL, client_id VARCHAR(64) NOT NULL,
                sender VARCHAR(64) NOT NULL, changed_at BIGINT NOT NULL, PRIMARY KEY (room, rev));
            CREATE TABLE IF NOT EXISTS actorchat_rooms (
                room VARCHAR(255) NOT NULL PRIMARY KEY, rev BIGINT NOT NULL, seq BIGINT NOT NULL, updated_at BIGINT NOT NULL);
            CREATE TABLE IF NOT EXISTS actorchat_room_access (
                room VARCHAR(255) NOT NULL PRIMARY KEY, private SMALLINT NOT NULL);
            CREATE TABLE IF NOT EXISTS actorchat_members (
                room VARCHAR(255) NOT NULL, member VARCHAR(64) NOT NULL, listed SMALLINT NOT NULL, read_seq BIGINT NOT NULL,
                listed_at BIGINT NULL, kind SMALLINT NULL, invited_by VARCHAR(64) NULL, notify SMALLINT NULL, PRIMARY KEY (room, member));
            CREATE INDEX IF NOT EXISTS actorchat_members_by_member ON actorchat_members (member);
            CREATE TABLE IF NOT EXISTS actorchat_attachments (
                id VARCHAR(32) NOT NULL PRIMARY KEY, owner VARCHAR(64) NOT NULL, content_type VARCHAR(32) NOT NULL,
                size BIGINT NOT NULL, width INT NOT NULL, height INT NOT NULL, thumb_size BIGINT NOT NULL, created_at BIGINT NOT NULL,
                room VARCHAR(255) NULL, message_id VARCHAR(64) NULL);
            CREATE INDEX IF NOT EXISTS actorchat_attachments_by_owner ON actorchat_attachments (owner);
            CREATE INDEX IF NOT EXISTS actorchat_attachments_by_message ON actorchat_attachments (room, message_id);
            CREATE TABLE IF NOT EXISTS actorchat_moderation (
                room VARCHAR(255) NOT NULL, rev BIGINT NOT NULL, action VARCHAR(16) NOT NULL, actor VARCHAR(64) NOT NULL,
                member VARCHAR(64) NOT NULL, role VARCHAR(16) NULL, until_at BIGINT NULL, reason TEXT NOT NULL, seconds INT NOT NULL,
                at BIGINT NOT NULL, message_seq BIGINT NULL, PRIMARY KEY (room, rev));
            CREATE TABLE IF NOT EXISTS actorchat_reports (
                room VARCHAR(255) NOT NULL, reporter VARCHAR(64) NOT NULL, client_id VARCHAR(64) NOT NULL, seq BIGINT NOT NULL,
                author VARCHAR(64) NOT NULL, reason TEXT NOT NULL, at BIGINT NOT NULL, handled_by VARCHAR(64) NULL, handled_at BIGINT NULL,
                PRIMARY KEY (room, reporter, client_id));
            CREATE INDEX IF NOT EXISTS actorchat_reports_by_time ON actorchat_reports (at);
            CREATE TABLE IF NOT EXISTS actorchat_profiles (
                member VARCHAR(64) NOT NULL PRIMARY KEY, username VARCHAR(64) NOT NULL, name TEXT NULL, status TEXT NULL,
                avatar VARCHAR(32) NULL, rev BIGINT NOT NULL);
            """;
        ProjectionCreated = !await ExistsAsync("actorchat_rooms").ConfigureAwait(false);
        await _database.ApplySchemaAsync(Schema, async connection =>
        {
            await AddColumnsAsync(connection).ConfigureAwait(false);
            await CreateSearchIndexAsync(connection).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The full-text index of the messages' text, derived from the table and kept in step with it (off the delivery
    /// path: the table is written after the journal).
    /// PostgreSQL: a generated <c>tsvector</c> column with a GIN index, kept by the database in each write. SQLite: an
    /// FTS5 table over the table's rows (contentless: the text stays in the table only, keyed by each row's
    /// <c>search_key</c>), which the table's writer fills in steps past the last row it indexed
    /// (<c>actorchat_search_state</c>): one index segment a second rather than one per transaction, which is most of
    /// what indexing costs. Triggers apply edits and deletes of rows already indexed.
    /// </summary>
    /// <remarks>
    /// Both split words the same way, on Unicode letters and digits, without stemming ('simple' and unicode61), so
    /// that a query finds the same messages on either.
    /// </remarks>
    private async Task CreateSearchIndexAsync(DbConnection connection)
    {
        if (_database.IsShared)
        {
            await using var column = TableDatabase.Command(connection, """
                ALTER TABLE actorchat_messages ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED;
                CREATE INDEX IF NOT EXISTS actorchat_messages_search ON actorchat_messages USING GIN (search);
                """);
            await column.ExecuteNonQueryAsync().ConfigureAwait(false);
            return;
        }
        async Task<bool> HasAsync(string name)
        {
            await using var check = TableDatabase.Command(connection, "SELECT COUNT(*) FROM sqlite_master WHERE name = @name", ("name", name));
            return Convert.ToInt64(await check.ExecuteScalarAsync().ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }

        // The triggers keep messages already indexed in step as they are edited or deleted; new messages are indexed by
        // the table's writer, a second's worth at a time (TableWriter), past the row it last indexed.
        const string Triggers = """
            DROP TRIGGER IF EXISTS actorchat_search_added;
            DROP TRIGGER IF EXISTS actorchat_search_changed;
            DROP TRIGGER IF EXISTS actorchat_search_removed;
            CREATE TRIGGER actorchat_search_changed AFTER UPDATE OF body ON actorchat_messages
            WHEN old.rowid <= (SELECT indexed_rowid FROM actorchat_search_state) BEGIN
                DELETE FROM actorchat_search WHERE rowid = old.search_key;
                INSERT INTO actorchat_search (rowid, body) VALUES (old.search_key, new.body);
            END;
            CREATE TRIGGER actorchat_search_removed AFTER DELETE ON actorchat_messages
            WHEN old.rowid <= (SELECT indexed_rowid FROM actorchat_search_state) BEGIN
                DELETE FROM actorchat_search WHERE rowid = old.search_key;
            END;
            """;
        if (await HasAsync("actorchat_search").ConfigureAwait(false))
        {
            if (await HasAsync("actorchat_search_state").ConfigureAwait(false))
                return;
            // An index the database kept in step row by row: it holds every message there is.
            await using var upgrade = TableDatabase.Command(connection, $"""
                BEGIN;
                CREATE TABLE actorchat_search_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_rowid INTEGER NOT NULL);
                INSERT INTO actorchat_search_state (id, indexed_rowid) SELECT 1, COALESCE(MAX(rowid), 0) FROM actorchat_messages;
                {Triggers}
                COMMIT;
                """);
            await upgrade.ExecuteNonQueryAsync().ConfigureAwait(false);
            return;
        }
        // Each message's key in the index orders it by time: its Unix millisecond, then (within one) its row. The index
        // is then walked newest first and stops at the page's end, however common the word. The row's low 20 bits keep
        // two keys of one millisecond apart unless a million rows were written between them; 64 bits hold the
        // milliseconds until the year 2248. The table's writes set the key as they insert the row (TableStatements).
        // The messages already there are indexed by the writer's steps, from the first row.
        await using var create = TableDatabase.Command(connection, $"""
            BEGIN;
            CREATE UNIQUE INDEX IF NOT EXISTS actorchat_messages_by_search_key ON actorchat_messages (search_key);
            CREATE VIRTUAL TABLE actorchat_search USING fts5(body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
            CREATE TABLE actorchat_search_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_rowid INTEGER NOT NULL);
            INSERT INTO actorchat_search_state (id, indexed_rowid) VALUES (1, 0);
            {Triggers}
            UPDATE actorchat_messages SET search_key = ((sent_at - 621355968000000000) / 10000) * 1048576 + (rowid % 1048576);
            COMMIT;
            """);
        await create.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private async Task<bool> ExistsAsync(string table)
    {
        try
        {
            await using var connection = await _database.OpenAsync().ConfigureAwait(false);
            await using var command = TableDatabase.Command(connection, $"SELECT 1 FROM {table} WHERE 1 = 0");
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            return true;
        }
        catch (DbException)
        {
            return false;
        }
    }

    // Columns added since the table was first made: a table of an earlier version gets them.
    private async Task AddColumnsAsync(DbConnection connection)
    {
        foreach (var (table, column, type) in new[] { ("actorchat_messages", "reply_to", "BIGINT"), ("actorchat_messages", "attachment", "TEXT"), ("actorchat_members", "listed_at", "BIGINT"), ("actorchat_members", "kind", "SMALLINT"),
            ("actorchat_members", "invited_by", "VARCHAR(64)"), ("actorchat_messages", "deleted_by", "VARCHAR(64)"), ("actorchat_moderation", "message_seq", "BIGINT"),
            ("actorchat_messages", "search_key", "BIGINT"), ("actorchat_members", "notify", "SMALLINT"),
            ("actorchat_reports", "handled_by", "VARCHAR(64)"), ("actorchat_reports", "handled_at", "BIGINT") })
        {
            // The search index's key: only the embedded store's index needs one.
            if (column == "search_key" && _database.IsShared)
                continue;
            if (_database.IsShared)
            {
                await using var alter = TableDatabase.Command(connection, $"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {type} NULL");
                await alter.ExecuteNonQueryAsync().ConfigureAwait(false);
                continue;
            }
            await using var check = TableDatabase.Command(connection, $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'");
            if (Convert.ToInt64(await check.ExecuteScalarAsync().ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                await using var alter = TableDatabase.Command(connection, $"ALTER TABLE {table} ADD COLUMN {column} {type} NULL");
                await alter.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
    }
}
