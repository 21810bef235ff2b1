using System.Data.Common;
using Akka.Actor;

namespace ActorChat.Storage;

/// <summary>An uploaded photo as stored: who uploaded it, what it is, and (once attached) the room and message it went to.</summary>
public sealed record AttachmentInfo(string Id, string Owner, string ContentType, long Size, int Width, int Height, long ThumbnailSize,
    DateTimeOffset CreatedAt, string? Room = null, string? MessageId = null);

/// <summary>
/// Where photos are kept. Their description is a row beside the message table; their bytes are files in the data
/// directory on a single node, and rows of the shared PostgreSQL database in a cluster, so that every node serves
/// every photo. Bytes never pass through actors: an upload is written here by the HTTP endpoint, and a message only
/// names it.
/// </summary>
/// <remarks>
/// On SQLite the rows are in the message table's own file, never the journal's: a photo's bytes are not in either,
/// and its row is small, so an upload never holds the journal's write lock.
/// </remarks>
public sealed class AttachmentStore : IExtension
{
    private readonly MessageTable _table;
    private readonly string _directory;
    private readonly Lazy<Task> _schema;

    public AttachmentStore(MessageTable table, string directory)
    {
        _table = table;
        _directory = directory;
        _schema = new Lazy<Task>(CreateSchemaAsync);
    }

    public static AttachmentStore Get(ActorSystem system) => system.WithExtension<AttachmentStore, Provider>();

    /// <summary>The folder of photo files (a single node): <c>attachments</c> in the data directory.</summary>
    public static string DirectoryOf(StorageSettings storage) => Path.GetFullPath(Path.Combine(storage.DataDirectory, "attachments"));

    /// <summary>Stores a processed photo and its thumbnail under <paramref name="info"/>.Id.</summary>
    public async Task SaveAsync(AttachmentInfo info, byte[] image, byte[] thumbnail, CancellationToken cancel = default)
    {
        await _schema.Value.ConfigureAwait(false);
        if (!_table.Database.IsShared)
        {
            await WriteFileAsync(FileOf(info.Id, thumbnail: false), image, cancel).ConfigureAwait(false);
            await WriteFileAsync(FileOf(info.Id, thumbnail: true), thumbnail, cancel).ConfigureAwait(false);
        }
        await using var connection = await _table.Database.OpenAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancel).ConfigureAwait(false);
        await RunAsync(connection, transaction, """
            INSERT INTO actorchat_attachments (id, owner, content_type, size, width, height, thumb_size, created_at)
            VALUES (@id, @owner, @type, @size, @width, @height, @thumb, @at)
            """, cancel, ("id", info.Id), ("owner", info.Owner), ("type", info.ContentType), ("size", info.Size), ("width", info.Width),
            ("height", info.Height), ("thumb", info.ThumbnailSize), ("at", info.CreatedAt.UtcTicks)).ConfigureAwait(false);
        if (_table.Database.IsShared)
        {
            foreach (var (variant, bytes) in new[] { ((short)0, image), ((short)1, thumbnail) })
            {
                await RunAsync(connection, transaction, "INSERT INTO actorchat_attachment_bytes (id, variant, bytes) VALUES (@id, @variant, @bytes)",
                    cancel, ("id", info.Id), ("variant", variant), ("bytes", bytes)).ConfigureAwait(false);
            }
        }
        await transaction.CommitAsync(cancel).ConfigureAwait(false);
    }

    public async Task<AttachmentInfo?> FindAsync(string id, CancellationToken cancel = default)
    {
        await _schema.Value.ConfigureAwait(false);
        await using var connection = await _table.Database.OpenAsync().ConfigureAwait(false);
        await using var command = TableDatabase.Command(connection, """
            SELECT id, owner, content_type, size, width, height, thumb_size, created_at, room, message_id FROM actorchat_attachments WHERE id = @id
            """, ("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancel).ConfigureAwait(false))
            return null;
        return new AttachmentInfo(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt32(4), reader.GetInt32(5),
            reader.GetInt64(6), new DateTimeOffset(reader.GetInt64(7), TimeSpan.Zero), reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9));
    }

    /// <summary>The stored bytes of the photo, or of its thumbnail; null when they are gone.</summary>
    public async Task<byte[]?> ReadAsync(string id, bool thumbnail, CancellationToken cancel = default)
    {
        if (!_table.Database.IsShared)
        {
            var path = FileOf(id, thumbnail);
            return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancel).ConfigureAwait(false) : null;
        }
        await _schema.Value.ConfigureAwait(false);
        await using var connection = await _table.Database.OpenAsync().ConfigureAwait(false);
        await using var command = TableDatabase.Command(connection, "SELECT bytes FROM actorchat_attachment_bytes WHERE id = @id AND variant = @variant",
            ("id", id), ("variant", (short)(thumbnail ? 1 : 0)));
        return await command.ExecuteScalarAsync(cancel).ConfigureAwait(false) as byte[];
    }

    /// <summary>How many bytes of photos <paramref name="owner"/> keeps stored, thumbnails included.</summary>
    public async Task<long> UsedBytesAsync(string owner, CancellationToken cancel = default)
    {
        await _schema.Value.ConfigureAwait(false);
        await using var connection = await _table.Database.OpenAsync().ConfigureAwait(false);
        await using var command = TableDatabase.Command(connection, "SELECT COALESCE(SUM(size + thumb_size), 0) FROM actorchat_attachments WHERE owner = @owner", ("owner", owner));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancel).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// What a photo is attached to when a profile names it as its avatar, in place of a room: no room is named so, and
    /// every signed-in user may fetch it.
    /// </summary>
    public const string ProfileRoom = "@profile";

    /// <summary>
    /// Attaches photo <paramref name="id"/> to the message <paramref name="messageId"/> of <paramref name="owner"/> in
    /// <paramref name="room"/>: only its uploader may, and only to one message (a retry of that same message may again).
    /// Returns the photo, or null when it may not be attached.
    /// </summary>
    public async Task<AttachmentInfo?> ClaimAsync(string id, string owner, string room, string messageId)
    {
        await _schema.Value.ConfigureAwait(false);
        await using (var connection = await _table.Database.OpenAsync().ConfigureAwait(false))
        await using (var command = TableDatabase.Command(connection, """
            UPDATE actorchat_attachments SET room = @room, message_id = @message
            WHERE id = @id AND owner = @owner AND (room IS NULL OR (room = @room AND message_id = @message))
            """, ("id", id), ("owner", owner), ("room", room), ("message", messageId)))
        {
            if (await command.ExecuteNonQueryAsync().ConfigureAwait(false) == 0)
                return null;
        }
        return await FindAsync(id).ConfigureAwait(false);
    }

    /// <summary>Removes the uploads never attached to a message that were made before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> RemoveUnpostedAsync(DateTimeOffset before, CancellationToken cancel = default)
    {
        await _schema.Value.ConfigureAwait(false);
        await using var connection = await _table.Database.OpenAsync().ConfigureAwait(false);
        var ids = new List<string>();
        await using (var select = TableDatabase.Command(connection, "SELECT id FROM actorchat_attachments WHERE room IS NULL AND created_at < @before",
            ("before", before.UtcTicks)))
        await using (var reader = await select.ExecuteReaderAsync(cancel).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancel).ConfigureAwait(false))
                ids.Add(reader.GetString(0));
        }
        foreach (var id in ids)
        {
            // Attached meanwhile: it stays.
            await using var delete = TableDatabase.Command(connection, "DELETE FROM actorchat_attachments WHERE id = @id AND room IS NULL", ("id", id));
            if (await delete.ExecuteNonQueryAsync(cancel).ConfigureAwait(false) == 0)
                continue;
            if (_table.Database.IsShared)
            {
                await using var bytes = TableDatabase.Command(connection, "DELETE FROM actorchat_attachment_bytes WHERE id = @id", ("id", id));
                await bytes.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
            }
            else
            {
                File.Delete(FileOf(id, thumbnail: false));
                File.Delete(FileOf(id, thumbnail: true));
            }
        }
        return ids.Count;
    }

    /// <summary>
    /// Removes the files of photos whose writing never finished (the process died mid-write); returns how many. Only at
    /// start-up, before any upload of this process writes one.
    /// </summary>
    public int RemoveUnfinishedFiles()
    {
        if (_table.Database.IsShared || !Directory.Exists(_directory))
            return 0;
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(_directory, "*" + PartialSuffix, SearchOption.AllDirectories))
        {
            File.Delete(file);
            removed++;
        }
        return removed;
    }

    private const string PartialSuffix = ".part";

    // Files spread over 256 folders by the id's first two characters, so that no folder grows to millions.
    private string FileOf(string id, bool thumbnail) => Path.Combine(_directory, id[..2], thumbnail ? id + ".thumb" : id);

    private static async Task WriteFileAsync(string path, byte[] bytes, CancellationToken cancel)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + PartialSuffix;
        await File.WriteAllBytesAsync(temporary, bytes, cancel).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    private static async Task RunAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancel, params (string Name, object? Value)[] parameters)
    {
        await using var command = TableDatabase.Command(connection, sql, parameters);
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
    }

    // The descriptions are the message table's (its writes take a deleted message's photo back); the bytes are ours.
    private async Task CreateSchemaAsync()
    {
        await _table.SchemaReady.ConfigureAwait(false);
        if (!_table.Database.IsShared)
            return;
        const string schema = """
            CREATE TABLE IF NOT EXISTS actorchat_attachment_bytes (
                id VARCHAR(32) NOT NULL, variant SMALLINT NOT NULL, bytes BYTEA NOT NULL, PRIMARY KEY (id, variant));
            """;
        await _table.Database.ApplySchemaAsync(schema).ConfigureAwait(false);
    }

    private sealed class Provider : ExtensionIdProvider<AttachmentStore>
    {
        public override AttachmentStore CreateExtension(ExtendedActorSystem system) =>
            new(MessageTable.Get(system), DirectoryOf(SettingsSetup.Find<StorageSettings>(system)
                ?? throw new InvalidOperationException($"The actor system has no {nameof(StorageSettings)}: photos need a data directory.")));
    }
}
