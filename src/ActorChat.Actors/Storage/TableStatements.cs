using System.Data.Common;
using ActorChat.Rooms;

namespace ActorChat.Storage;

/// <summary>
/// The statements of one transaction of the <see cref="TableWriter"/>, each prepared once and run per event: a room's
/// stored events applied to its messages, reactions, changes and its own row. Members' rows are written by
/// <see cref="MemberRows"/>'s statements, run here.
/// </summary>
internal sealed class TableStatements(DbConnection connection, DbTransaction transaction) : IAsyncDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
            await command.DisposeAsync().ConfigureAwait(false);
    }

    public async Task ApplyAsync(TableWrite write)
    {
        if (write.Member is { } member)
        {
            await MemberRows.ApplyAsync(this, write.Room, member).ConfigureAwait(false);
            return;
        }
        if (write.Events.Count == 0)
            return;
        foreach (var (rev, @event) in write.Events)
        {
            // Each change's id, so that a retry after the room restarted is still answered, not applied again.
            if (@event is IMessageChange or IModerationChange)
            {
                await RunAsync("""
                    INSERT INTO actorchat_changes (room, rev, seq, client_id, sender, changed_at) VALUES (@room, @rev, @seq, @id, @user, @at)
                    ON CONFLICT (room, rev) DO NOTHING
                    """, write.Room, @event.Seq, rev, ("id", @event.Id), ("user", @event.User), ("at", @event.At.UtcTicks)).ConfigureAwait(false);
            }
            switch (@event)
            {
                // Whether a room is private: the directory lists only public rooms.
                case RoomCreated created:
                    await RunAsync("""
                        INSERT INTO actorchat_room_access (room, private) VALUES (@room, @private) ON CONFLICT (room) DO NOTHING
                        """, ("room", write.Room), ("private", (short)(created.Private ? 1 : 0))).ConfigureAwait(false);
                    break;
                case MessagePosted posted:
                    await RunAsync(connection is Microsoft.Data.Sqlite.SqliteConnection ? InsertMessageWithSearchKey : InsertMessage, write.Room, posted.Seq, rev, ("id", posted.Id), ("user", posted.From), ("body", posted.Text), ("at", posted.Timestamp.UtcTicks),
                        ("reply", posted.ReplyTo is { } reply ? reply : DBNull.Value),
                        ("attachment", posted.Attachment is { } attachment ? System.Text.Json.JsonSerializer.Serialize(attachment, Serialization.StoredJsonContext.Default.MessageAttachment) : DBNull.Value)).ConfigureAwait(false);
                    break;
                case MessageEdited edited:
                    await RunAsync("""
                        UPDATE actorchat_messages SET body = @body, edited_at = @at, rev = @rev
                        WHERE room = @room AND seq = @seq AND rev < @rev
                        """, write.Room, edited.Seq, rev, ("body", edited.Text), ("at", edited.At.UtcTicks)).ConfigureAwait(false);
                    break;
                case MessageDeleted deleted:
                    await RunAsync("""
                        UPDATE actorchat_messages SET body = '', edited_at = NULL, deleted_at = @at, deleted_by = @user, rev = @rev
                        WHERE room = @room AND seq = @seq AND rev < @rev
                        """, write.Room, deleted.Seq, rev, ("at", deleted.At.UtcTicks), ("user", deleted.User)).ConfigureAwait(false);
                    // Removed by a moderator, not by its sender: the room's moderation log says who, and whose message.
                    await RunAsync("""
                        INSERT INTO actorchat_moderation (room, rev, action, actor, member, role, until_at, reason, seconds, at, message_seq)
                        SELECT @room, @rev, 'delete', @user, sender, NULL, NULL, '', 0, @at, @seq FROM actorchat_messages
                        WHERE room = @room AND seq = @seq AND LOWER(sender) <> LOWER(@user) ON CONFLICT (room, rev) DO NOTHING
                        """, write.Room, deleted.Seq, rev, ("at", deleted.At.UtcTicks), ("user", deleted.User)).ConfigureAwait(false);
                    await RunAsync("DELETE FROM actorchat_reactions WHERE room = @room AND seq = @seq AND rev < @rev",
                        write.Room, deleted.Seq, rev).ConfigureAwait(false);
                    // Its photo goes with it: detached, nobody but its uploader may fetch it, and it is swept like an upload never posted.
                    // Client ids are unique per user only: the photo is the one its author attached to this very message.
                    await RunAsync("""
                        UPDATE actorchat_attachments SET room = NULL, message_id = NULL, created_at = 0
                        WHERE room = @room AND EXISTS (SELECT 1 FROM actorchat_messages m WHERE m.room = @room AND m.seq = @seq
                            AND m.client_id = actorchat_attachments.message_id AND LOWER(m.sender) = actorchat_attachments.owner)
                        """, ("room", write.Room), ("seq", deleted.Seq)).ConfigureAwait(false);
                    break;
                // The room's moderation log: who did what to whom, and why.
                case IModerationChange moderation:
                    await RunAsync("""
                        INSERT INTO actorchat_moderation (room, rev, action, actor, member, role, until_at, reason, seconds, at)
                        VALUES (@room, @rev, @action, @actor, @member, @role, @until, @reason, @seconds, @at) ON CONFLICT (room, rev) DO NOTHING
                        """, ("room", write.Room), ("rev", rev), ("action", Protocol.ServerFrames.ActionName(moderation)), ("actor", moderation.User),
                        ("member", moderation.Member), ("role", moderation is RoleChanged changed ? changed.Role : (object)DBNull.Value),
                        ("until", ModerationUntil(moderation) is { } until ? until.UtcTicks : (object)DBNull.Value),
                        ("reason", moderation switch { MemberKicked k => k.Reason, MemberBanned b => b.Reason, MemberMuted m => m.Reason, _ => "" }),
                        ("seconds", moderation is SlowModeSet slow ? slow.Seconds : 0), ("at", moderation.At.UtcTicks)).ConfigureAwait(false);
                    break;
                case ReactionAdded or ReactionRemoved:
                    var (user, emoji, active) = @event is ReactionAdded added ? (added.User, added.Emoji, 1) : (((ReactionRemoved)@event).User, ((ReactionRemoved)@event).Emoji, 0);
                    await RunAsync("""
                        INSERT INTO actorchat_reactions (room, seq, emoji, sender, rev, active) VALUES (@room, @seq, @emoji, @user, @rev, @active)
                        ON CONFLICT (room, seq, emoji, sender) DO UPDATE SET rev = excluded.rev, active = excluded.active
                        WHERE actorchat_reactions.rev < excluded.rev
                        """, write.Room, @event.Seq, rev, ("emoji", emoji), ("user", user), ("active", (short)active)).ConfigureAwait(false);
                    break;
            }
        }
        await RunAsync("""
            INSERT INTO actorchat_rooms (room, rev, seq, updated_at) VALUES (@room, @rev, @seq, @at)
            ON CONFLICT (room) DO UPDATE SET rev = excluded.rev, updated_at = excluded.updated_at,
                seq = CASE WHEN excluded.seq > actorchat_rooms.seq THEN excluded.seq ELSE actorchat_rooms.seq END
            WHERE actorchat_rooms.rev < excluded.rev
            """, write.Room, write.Seq, write.Events[^1].Rev, ("at", write.Events[^1].Event.At.UtcTicks)).ConfigureAwait(false);
    }

    private const string InsertMessage = """
        INSERT INTO actorchat_messages (room, seq, rev, posted_rev, client_id, sender, body, sent_at, reply_to, attachment)
        VALUES (@room, @seq, @rev, @rev, @id, @user, @body, @at, @reply, @attachment) ON CONFLICT (room, seq) DO NOTHING
        """;

    // The embedded store's search index is keyed by time (see TableSchema): the message's Unix millisecond, then the
    // low bits of the row it takes, which is the one after the table's last.
    private const string InsertMessageWithSearchKey = """
        INSERT INTO actorchat_messages (room, seq, rev, posted_rev, client_id, sender, body, sent_at, reply_to, attachment, search_key)
        VALUES (@room, @seq, @rev, @rev, @id, @user, @body, @at, @reply, @attachment,
            ((@at - 621355968000000000) / 10000) * 1048576 + ((SELECT COALESCE(MAX(rowid), 0) + 1 FROM actorchat_messages) % 1048576))
        ON CONFLICT (room, seq) DO NOTHING
        """;

    private static DateTimeOffset? ModerationUntil(IModerationChange moderation) => moderation switch
    {
        MemberBanned banned => banned.Until,
        MemberMuted muted => muted.Until,
        _ => null,
    };

    /// <summary>
    /// The embedded store's search index catches up with the messages inserted since its last step, at most
    /// <paramref name="limit"/> of them (in insertion order), in this transaction; true when more are waiting. Edits
    /// and deletes of messages already indexed are applied by the database's triggers as they are made; a message
    /// not indexed yet is indexed as it reads by then.
    /// </summary>
    public async Task<bool> IndexSearchAsync(int limit)
    {
        await using var top = TableDatabase.Command(connection, """
            SELECT s.indexed_rowid, (SELECT MAX(rowid) FROM (SELECT rowid FROM actorchat_messages WHERE rowid > s.indexed_rowid ORDER BY rowid LIMIT @limit)),
                (SELECT COUNT(*) FROM (SELECT rowid FROM actorchat_messages WHERE rowid > s.indexed_rowid ORDER BY rowid LIMIT @limit))
            FROM actorchat_search_state s
            """, ("limit", limit));
        top.Transaction = transaction;
        long from, to, count;
        await using (var reader = await top.ExecuteReaderAsync().ConfigureAwait(false))
        {
            if (!await reader.ReadAsync().ConfigureAwait(false) || reader.IsDBNull(1))
                return false;
            (from, to, count) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }
        await RunAsync("""
            INSERT INTO actorchat_search (rowid, body)
            SELECT search_key, body FROM actorchat_messages WHERE rowid > @from AND rowid <= @to AND search_key IS NOT NULL
            """, ("from", from), ("to", to)).ConfigureAwait(false);
        await RunAsync("UPDATE actorchat_search_state SET indexed_rowid = @to", ("to", to)).ConfigureAwait(false);
        return count >= limit;
    }

    private Task RunAsync(string sql, string room, long seq, long rev, params (string Name, object Value)[] values) =>
        RunAsync(sql, [("room", room), ("seq", seq), ("rev", rev), .. values]);

    /// <summary>Runs <paramref name="sql"/>: prepared on its first run in the transaction, a later run only sets its parameters again.</summary>
    public async Task RunAsync(string sql, params (string Name, object Value)[] values)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = TableDatabase.Command(connection, sql, [.. values.Select(v => (v.Name, (object?)v.Value))]);
            command.Transaction = transaction;
            _commands[sql] = command;
        }
        else
        {
            foreach (var (name, value) in values)
                command.Parameters[name].Value = value;
        }
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
