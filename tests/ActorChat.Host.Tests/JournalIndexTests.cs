using ActorChat.Testing;
using Microsoft.Data.Sqlite;

namespace ActorChat.Host.Tests;

/// <summary>
/// How SQLite plans the journal's reads of one persistence id on the file the server made: a room's recovery
/// searches its own events through an index, instead of reading every room's.
/// </summary>
public sealed class JournalIndexTests
{
    // The two reads of a recovery, as Akka.Persistence.Sql (1.5.73) sends them: the highest number, then the replay.
    private const string HighestSequenceNr = "SELECT MAX([r].[sequence_number]) FROM [journal] [r] WHERE [r].[persistence_id] = @persistenceId";
    private const string Replay = """
        SELECT [r].[ordering], [r].[created], [r].[deleted], [r].[persistence_id], [r].[sequence_number], [r].[message],
            [r].[manifest], [r].[identifier], [r].[writer_uuid]
        FROM [journal] [r]
        WHERE [r].[persistence_id] = @persistenceId AND [r].[sequence_number] >= @fromSequenceNr
            AND [r].[sequence_number] <= @toSequenceNr AND [r].[deleted] = 0
        ORDER BY [r].[sequence_number]
        LIMIT @take
        """;

    // The snapshot store's read of a recovery: its table's primary key is (persistence_id, sequence_number).
    private const string LatestSnapshot = """
        SELECT [r].[persistence_id], [r].[sequence_number], [r].[created], [r].[snapshot], [r].[manifest], [r].[serializer_id]
        FROM [snapshot] [r]
        WHERE [r].[persistence_id] = @persistenceId
        ORDER BY [r].[sequence_number] DESC
        LIMIT 1
        """;

    private const string Unique = "journal_uq";
    private const string Plain = "journal_by_persistence_id";

    [Fact]
    public async Task A_rooms_recovery_searches_the_journal_by_persistence_id_instead_of_reading_every_rooms_events()
    {
        await using var server = await ChatServer.StartAsync();
        await using var alice = await server.ConnectAsync("indexed");
        await SendAsync(alice, "searched", 1);

        AssertSearchedThrough(Unique, Plans(server.DataDirectory));
        Assert.Equal([Unique], Indexes(server.DataDirectory));
        AssertSearchedThrough("sqlite_autoindex_snapshot_1", Plans(server.DataDirectory, LatestSnapshot));
    }

    [Fact]
    public async Task A_journal_an_earlier_version_left_without_the_index_gets_it_when_the_server_starts()
    {
        var data = await EarlierJournalAsync("upgrader", "older", 3);
        try
        {
            Assert.All(Plans(data), plan => Assert.DoesNotContain("INDEX", plan, StringComparison.Ordinal));

            await using var second = await ChatServer.StartAsync(data);
            await using var back = await second.ConnectAsync("upgrader");
            var joined = await back.JoinAsync("older");
            Assert.Equal(3, joined.GetProperty("messages").GetArrayLength());
            AssertSearchedThrough(Unique, Plans(data));
        }
        finally
        {
            Delete(data);
        }
    }

    [Fact]
    public async Task A_journal_holding_a_sequence_number_twice_is_searched_through_a_plain_index_until_it_is_cleaned()
    {
        var data = await EarlierJournalAsync("twice", "kept", 2);
        try
        {
            // Two events under one number: what two writers of one persistence id would leave without the unique index.
            for (var i = 0; i < 2; i++)
                Execute(data, "INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) " +
                    "SELECT created, deleted, 'doubled', 1, message, manifest, identifier, writer_uuid FROM journal LIMIT 1");

            await using (var second = await ChatServer.StartAsync(data))
            {
                await using var back = await second.ConnectAsync("twice");
                Assert.Equal(2, (await back.JoinAsync("kept")).GetProperty("messages").GetArrayLength());
                AssertSearchedThrough(Plain, Plans(data));
                Assert.Equal([Plain], Indexes(data));
            }

            Execute(data, "DELETE FROM journal WHERE persistence_id = 'doubled'");
            await using var third = await ChatServer.StartAsync(data);
            await using var again = await third.ConnectAsync("twice");
            Assert.Equal(2, (await again.JoinAsync("kept")).GetProperty("messages").GetArrayLength());
            AssertSearchedThrough(Unique, Plans(data));
            Assert.Equal([Unique], Indexes(data));
        }
        finally
        {
            Delete(data);
        }
    }

    /// <summary>
    /// A data folder whose journal holds <paramref name="count"/> messages of <paramref name="user"/> in
    /// <paramref name="room"/>, as a version before the index left it: the plugin's table without an index.
    /// </summary>
    private static async Task<string> EarlierJournalAsync(string user, string room, int count)
    {
        var data = Path.Combine(Path.GetTempPath(), "actorchat-index-" + Guid.NewGuid().ToString("N"));
        await using (var server = await ChatServer.StartAsync(data))
        {
            await using var client = await server.ConnectAsync(user);
            await SendAsync(client, room, count);
        }
        Execute(data, $"DROP INDEX IF EXISTS {Unique}");
        return data;
    }

    private static async Task SendAsync(ChatClient client, string room, int count)
    {
        await client.JoinAsync(room);
        for (var i = 1; i <= count; i++)
        {
            await client.SendAsync(new { type = "send", room, id = $"{room}-{i}", text = $"{room} {i}" });
            await client.ExpectAsync("ack");
        }
    }

    private static void AssertSearchedThrough(string index, IReadOnlyList<string> plans) =>
        Assert.All(plans, plan =>
        {
            Assert.Matches($"^SEARCH r USING (COVERING )?INDEX {index} \\(persistence_id=\\?", plan);
            Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
        });

    /// <summary>SQLite's plan of each of <paramref name="queries"/> (by default the journal's reads of a recovery), its steps on one line.</summary>
    private static List<string> Plans(string data, params string[] queries) =>
        [.. (queries.Length > 0 ? queries : [HighestSequenceNr, Replay]).Select(query => string.Join(" | ", Column(data, "EXPLAIN QUERY PLAN " + query, 3)))];

    /// <summary>The indexes of the journal table that were made by a statement (not its primary key's).</summary>
    private static List<string> Indexes(string data) =>
        Column(data, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal' AND sql IS NOT NULL ORDER BY name", 0);

    /// <summary>Column <paramref name="column"/> of each row of <paramref name="sql"/>, with every parameter the recovery's reads take.</summary>
    private static List<string> Column(string data, string sql, int column)
    {
        using var connection = Open(data);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in new (string, object)[] { ("@persistenceId", "room-searched"), ("@fromSequenceNr", 1L), ("@toSequenceNr", 100L), ("@take", 1000) })
        {
            if (sql.Contains(name, StringComparison.Ordinal))
                command.Parameters.AddWithValue(name, value);
        }
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
            values.Add(reader.GetString(column));
        return values;
    }

    private static void Execute(string data, string sql)
    {
        using var connection = Open(data);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteConnection Open(string data)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "actorchat.db"), Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Delete(string data)
    {
        try { Directory.Delete(data, recursive: true); }
        catch (IOException) { }
    }
}
