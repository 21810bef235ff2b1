using ActorChat.Accounts;

namespace ActorChat.Storage;

/// <summary>
/// Users' profiles as their accounts last stored them, one row per user, for whoever looks profiles up without waking
/// their accounts. Derived: each account writes its row after every change and again when it recovers, and a row is
/// replaced only by a higher revision, so a late or repeated write never undoes a newer one.
/// </summary>
public sealed class ProfileRows
{
    /// <summary>The most profiles one lookup reads.</summary>
    public const int MaxLookup = 100;

    private readonly TableDatabase _database;
    private readonly TableSchema _schema;

    internal ProfileRows(TableDatabase database, TableSchema schema) => (_database, _schema) = (database, schema);

    /// <summary>Stores <paramref name="profile"/> unless the row holds its revision or a later one already.</summary>
    public async Task WriteAsync(UserProfile profile)
    {
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await _database.OpenAsync().ConfigureAwait(false);
        await using var command = TableDatabase.Command(connection, """
            INSERT INTO actorchat_profiles (member, username, name, status, avatar, rev) VALUES (@member, @username, @name, @status, @avatar, @rev)
            ON CONFLICT (member) DO UPDATE SET username = excluded.username, name = excluded.name, status = excluded.status,
                avatar = excluded.avatar, rev = excluded.rev
            WHERE actorchat_profiles.rev < excluded.rev
            """, ("member", AccountActor.KeyOf(profile.User)), ("username", profile.User), ("name", profile.Name), ("status", profile.Status),
            ("avatar", profile.Avatar), ("rev", profile.Rev));
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>The photo id the profile of the user keyed <paramref name="key"/> names as its avatar; null when none.</summary>
    public async Task<string?> AvatarOfAsync(string key, CancellationToken cancel = default)
    {
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await _database.OpenAsync().ConfigureAwait(false);
        await using var command = TableDatabase.Command(connection, "SELECT avatar FROM actorchat_profiles WHERE member = @member", ("member", key));
        return await command.ExecuteScalarAsync(cancel).ConfigureAwait(false) as string;
    }

    /// <summary>The profiles of those of <paramref name="users"/> (any case, at most <see cref="MaxLookup"/>) who ever set one, by name as registered.</summary>
    public async Task<IReadOnlyList<UserProfile>> ReadAsync(IReadOnlyCollection<string> users)
    {
        var keys = users.Select(AccountActor.KeyOf).Distinct(StringComparer.Ordinal).Take(MaxLookup).ToArray();
        if (keys.Length == 0)
            return [];
        await _schema.Ready.ConfigureAwait(false);
        await using var connection = await _database.OpenAsync().ConfigureAwait(false);
        var names = string.Join(", ", keys.Select((_, i) => "@k" + i));
        await using var command = TableDatabase.Command(connection,
            $"SELECT username, name, status, avatar, rev FROM actorchat_profiles WHERE member IN ({names}) ORDER BY member",
            [.. keys.Select((key, i) => ("k" + i, (object?)key))]);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var profiles = new List<UserProfile>(keys.Length);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            profiles.Add(new UserProfile(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4)));
        }
        return profiles;
    }
}
