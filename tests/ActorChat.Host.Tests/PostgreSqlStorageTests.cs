using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorChat.Testing;
using Npgsql;

namespace ActorChat.Host.Tests;

public sealed class PostgreSqlStorageTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task On_postgresql_accounts_history_and_numbering_survive_a_restart()
    {
        var database = await postgres.CreateDatabaseAsync();
        string[] settings = ["ActorChat:Storage:Provider=PostgreSql", $"ActorChat:Storage:ConnectionString={database}"];

        await using (var first = await ChatServer.StartAsync(null, settings))
        {
            await using var alice = await first.ConnectAsync("pg_alice");
            await alice.JoinAsync("shared");
            for (var i = 1; i <= 3; i++)
            {
                await alice.SendAsync(new { type = "send", room = "shared", id = $"p{i}", text = $"stored in postgres {i}" });
                Assert.Equal(i, (await alice.ExpectAsync("ack")).GetProperty("seq").GetInt64());
            }
            // PostgreSQL takes concurrent writes: the plugin's own write path serves it.
            Assert.Equal(ActorChat.Storage.GroupCommitJournal.StoredThrough.Plugin, await JournalHistoryTests.StoredThroughAsync(first));
        }

        // A new data directory: nothing of the first run is on local disk, all of it is in the database.
        await using var second = await ChatServer.StartAsync(null, settings);
        await using var back = await ChatClient.ConnectAsync(second.SocketAddress, await second.LoginAsync("pg_alice"));
        await back.ExpectAsync("welcome");
        var joined = await back.JoinAsync("shared");
        Assert.Equal(["stored in postgres 1", "stored in postgres 2", "stored in postgres 3"],
            joined.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
        await back.SendAsync(new { type = "send", room = "shared", id = "p4", text = "next" });
        Assert.Equal(4, (await back.ExpectAsync("ack")).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task On_postgresql_edits_reactions_and_old_history_come_back_in_their_current_state_after_a_restart()
    {
        var database = await postgres.CreateDatabaseAsync();
        // Ten messages in memory (the least a room may keep is fifty: the first ten of sixty are read from the table).
        string[] settings = ["ActorChat:Storage:Provider=PostgreSql", $"ActorChat:Storage:ConnectionString={database}",
            "ActorChat:Rooms:ReplayLimit=50", "ActorChat:Rooms:DedupWindow=60"];

        await using (var first = await ChatServer.StartAsync(null, settings))
        {
            await using var alice = await first.ConnectAsync("pg_editor");
            await alice.JoinAsync("edited");
            for (var i = 1; i <= 60; i++)
            {
                await alice.SendAsync(new { type = "send", room = "edited", id = $"p{i}", text = $"draft {i}" });
                await alice.ExpectAsync("ack");
            }
            await alice.SendAsync(new { type = "edit", room = "edited", id = "e1", seq = 2, text = "final 2" });
            await alice.ExpectAsync("ack");
            await alice.SendAsync(new { type = "react", room = "edited", id = "r1", seq = 2, emoji = "✅" });
            await alice.ExpectAsync("ack");
        }

        await using var second = await ChatServer.StartAsync(null, settings);
        await using var back = await ChatClient.ConnectAsync(second.SocketAddress, await second.LoginAsync("pg_editor"));
        await back.ExpectAsync("welcome");
        await back.JoinAsync("edited");
        await back.SendAsync(new { type = "history", room = "edited", before = 4, limit = 3 });
        var page = (await back.ExpectAsync("history")).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["draft 1", "final 2", "draft 3"], page.Select(m => m.GetProperty("text").GetString()));
        Assert.Equal("✅", page[1].GetProperty("reactions")[0].GetProperty("emoji").GetString());
        // The edit's id is remembered across the restart: a retry is acked with its first revision, not applied again.
        await back.SendAsync(new { type = "edit", room = "edited", id = "e1", seq = 2, text = "final 2" });
        Assert.Equal(61, (await back.ExpectAsync("ack")).GetProperty("rev").GetInt64());
    }

    [Fact]
    public async Task On_postgresql_the_journal_refuses_a_second_event_under_a_number_a_persistence_id_has_and_an_older_journal_gets_that_index()
    {
        var database = await postgres.CreateDatabaseAsync();
        string[] settings = ["ActorChat:Storage:Provider=PostgreSql", $"ActorChat:Storage:ConnectionString={database}"];
        await using (var first = await ChatServer.StartAsync(null, settings))
        {
            await using var alice = await first.ConnectAsync("pg_single");
            await alice.JoinAsync("once");
            await alice.SendAsync(new { type = "send", room = "once", id = "p1", text = "one writer" });
            await alice.ExpectAsync("ack");
        }

        // What a second writer of the room would store: its own event under a number the room has used.
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var refused = await Assert.ThrowsAsync<PostgresException>(() => Execute(connection, DoubleTheRoomsLastEvent));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, refused.SqlState);
        Assert.Equal("journal_uq", refused.ConstraintName);

        // A journal an earlier version made, with its primary key alone, gets the index when a server starts on it.
        await Execute(connection, "DROP INDEX journal_uq");
        await Execute(connection, DoubleTheRoomsLastEvent);
        await Execute(connection, "DELETE FROM journal WHERE ordering = (SELECT MAX(ordering) FROM journal)");
        await using (var second = await ChatServer.StartAsync(null, settings))
        {
            await using var back = await ChatClient.ConnectAsync(second.SocketAddress, await second.LoginAsync("pg_single"));
            await back.ExpectAsync("welcome");
            Assert.Single((await back.JoinAsync("once")).GetProperty("messages").EnumerateArray());
        }
        refused = await Assert.ThrowsAsync<PostgresException>(() => Execute(connection, DoubleTheRoomsLastEvent));
        Assert.Equal("journal_uq", refused.ConstraintName);
    }

    [Fact]
    public async Task On_postgresql_a_ban_holds_after_a_restart_and_the_moderation_log_tells_who_banned_whom()
    {
        var database = await postgres.CreateDatabaseAsync();
        string[] settings = ["ActorChat:Storage:Provider=PostgreSql", $"ActorChat:Storage:ConnectionString={database}"];
        await using (var first = await ChatServer.StartAsync(null, settings))
        {
            await using var owner = await first.ConnectAsync("pg_owner");
            await owner.SendAsync(new { type = "create", room = "guarded" });
            await owner.ExpectAsync("joined");
            // The spammer's message goes first, removed by the owner; then the ban.
            await using (var early = await first.ConnectAsync("pg_spammer"))
            {
                await early.JoinAsync("guarded");
                await early.SendAsync(new { type = "send", room = "guarded", id = "s1", text = "cheap watches" });
                await early.ExpectAsync("ack");
            }
            await owner.SendAsync(new { type = "delete", room = "guarded", id = "d1", seq = 1 });
            await owner.ExpectSkippingAsync("ack", "presence", "message", "read", "received");
            await owner.SendAsync(new { type = "ban", room = "guarded", id = "b1", user = "pg_spammer", until = "2099-01-01T00:00:00Z", reason = "spam" });
            await owner.ExpectSkippingAsync("ack", "presence", "read", "received");
        }

        await using var second = await ChatServer.StartAsync(null, settings);
        await using var spammer = await second.ConnectAsync("pg_spammer");
        await spammer.SendAsync(new { type = "join", room = "guarded" });
        Assert.Equal("forbidden", (await spammer.ExpectAsync("error")).GetProperty("code").GetString());
        await using var back = await ChatClient.ConnectAsync(second.SocketAddress, await second.LoginAsync("pg_owner"));
        await back.ExpectAsync("welcome");
        var removed = (await back.JoinAsync("guarded")).GetProperty("messages")[0];
        Assert.True(removed.GetProperty("deleted").GetBoolean() && removed.GetProperty("moderated").GetBoolean(), $"removed by a moderator: {removed}");
        await back.SendAsync(new { type = "moderation_log", room = "guarded" });
        var entries = (await back.ExpectAsync("moderation_log")).GetProperty("entries");
        Assert.Equal(("ban", "pg_owner", "pg_spammer", "2099-01-01T00:00:00.000Z"),
            (entries[0].GetProperty("action").GetString(), entries[0].GetProperty("by").GetString(), entries[0].GetProperty("user").GetString(), entries[0].GetProperty("until").GetString()));
        Assert.Equal(("delete", "pg_owner", "pg_spammer", 1L),
            (entries[1].GetProperty("action").GetString(), entries[1].GetProperty("by").GetString(), entries[1].GetProperty("user").GetString(), entries[1].GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task On_postgresql_search_finds_words_and_phrases_in_what_the_user_may_read_and_follows_edits()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var server = await ChatServer.StartAsync(null, "ActorChat:Storage:Provider=PostgreSql", $"ActorChat:Storage:ConnectionString={database}");
        await using var alice = await server.ConnectAsync("pg_alice");
        await using var carol = await server.ConnectAsync("pg_carol");
        string[] ignorable = ["presence", "message", "read", "received", "rooms", "room", "edited"];
        await alice.JoinAsync("meadow");
        await carol.SendAsync(new { type = "create", room = "burrow", @private = true });
        await carol.ExpectSkippingAsync("joined", ignorable);
        foreach (var (client, room, id, text) in new[] { (alice, "meadow", "a1", "the quick brown fox"), (alice, "meadow", "a2", "brown bread, quick lunch"),
                     (carol, "burrow", "c1", "a quick brown secret") })
        {
            await client.SendAsync(new { type = "send", room, id, text });
            await client.ExpectSkippingAsync("ack", ignorable);
        }

        async Task<string[]> SearchAsync(ChatClient client, string query)
        {
            await client.SendAsync(new { type = "search", id = "s", query });
            var results = await client.ExpectSkippingAsync("results", ignorable);
            return [.. results.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("text").GetString()!)];
        }

        var found = await Eventually.Value(() => SearchAsync(alice, "quick brown"), texts => texts.Length == 2, TimeSpan.FromSeconds(10));
        Assert.Equal(["brown bread, quick lunch", "the quick brown fox"], found);
        Assert.Equal(["the quick brown fox"], await SearchAsync(alice, "\"quick brown\""));
        Assert.Equal(["a quick brown secret", "brown bread, quick lunch", "the quick brown fox"], await SearchAsync(carol, "quick BROWN"));

        await alice.SendAsync(new { type = "edit", room = "meadow", id = "e1", seq = 1, text = "the slow brown fox" });
        await alice.ExpectSkippingAsync("ack", ignorable);
        await Eventually.Value(() => SearchAsync(alice, "quick brown"), texts => texts.Length == 1, TimeSpan.FromSeconds(10));
        Assert.Equal(["the slow brown fox"], await SearchAsync(alice, "slow"));
    }

    [Fact]
    public async Task On_postgresql_a_rooms_notification_setting_and_its_unread_mentions_are_kept_with_the_room_list()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var server = await ChatServer.StartAsync(null, "ActorChat:Storage:Provider=PostgreSql", $"ActorChat:Storage:ConnectionString={database}");
        await using var alice = await server.ConnectAsync("pg_alice");
        await using var bob = await server.ConnectAsync("pg_bob");
        string[] ignorable = ["presence", "message", "read", "received", "room"];
        await alice.JoinAsync("meadow");
        await bob.JoinAsync("meadow");
        foreach (var (id, text) in new[] { ("b1", "morning"), ("b2", "@PG_Alice are you in?"), ("b3", "@pg_alice_x is not you") })
        {
            await bob.SendAsync(new { type = "send", room = "meadow", id, text });
            await bob.ExpectSkippingAsync("ack", ignorable);
        }
        await alice.SendAsync(new { type = "notify", room = "meadow", level = "mentions" });
        await alice.ExpectSkippingAsync("notify", ignorable);

        async Task<(long Unread, long Mentions, string Notify)> MeadowAsync()
        {
            await alice.SendAsync(new { type = "rooms" });
            var room = (await alice.ExpectSkippingAsync("rooms", ignorable)).GetProperty("rooms")[0];
            return (room.GetProperty("unread").GetInt64(), room.GetProperty("mentions").GetInt64(), room.GetProperty("notify").GetString()!);
        }

        Assert.Equal((3L, 1L, "mentions"), await Eventually.Value(MeadowAsync, state => state.Unread == 3, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task On_postgresql_a_profile_is_looked_up_by_name_and_a_later_change_replaces_it()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var server = await ChatServer.StartAsync(null, "ActorChat:Storage:Provider=PostgreSql", $"ActorChat:Storage:ConnectionString={database}");
        await using var alice = await server.ConnectAsync("pg_alice");
        await using var bob = await server.ConnectAsync("pg_bob");
        string[] ignorable = ["rooms", "room"];
        string[] asked = ["PG_ALICE"];
        await alice.SendAsync(new { type = "profile", name = "Alice Liddell", status = "late" });
        Assert.Equal(1, (await alice.ExpectSkippingAsync("profile", ignorable)).GetProperty("rev").GetInt64());
        await alice.SendAsync(new { type = "profile", status = (string?)null });
        Assert.Equal(2, (await alice.ExpectSkippingAsync("profile", ignorable)).GetProperty("rev").GetInt64());

        async Task<(string? Name, string? Status, long Rev)> LookUpAsync()
        {
            await bob.SendAsync(new { type = "profiles", users = asked });
            var found = (await bob.ExpectSkippingAsync("profiles", ignorable)).GetProperty("profiles");
            return found.GetArrayLength() == 0 ? (null, null, 0)
                : (found[0].GetProperty("name").GetString(), found[0].GetProperty("status").GetString(), found[0].GetProperty("rev").GetInt64());
        }

        Assert.Equal(("Alice Liddell", (string?)null, 2L), await Eventually.Value(LookUpAsync, found => found.Rev == 2, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_node_still_waiting_to_join_its_cluster_is_alive_but_not_ready()
    {
        // Its only seed never answers: the node keeps trying to join, as one does whose cluster is late to start.
        var database = await postgres.CreateDatabaseAsync();
        await using var waiting = await ChatServer.StartAsync(null, "ActorChat:Storage:Provider=PostgreSql", $"ActorChat:Storage:ConnectionString={database}",
            "ActorChat:Cluster:SeedNodes:0=akka.tcp://actorchat@127.0.0.1:9", $"ActorChat:Auth:SigningKey={Convert.ToBase64String(new byte[32])}");

        var alive = await waiting.Http.GetAsync("/healthz");
        var ready = await waiting.Http.GetAsync("/readyz");

        Assert.Equal((HttpStatusCode.OK, "ok"), (alive.StatusCode, await alive.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("removed", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cluster").GetString());
    }

    private const string DoubleTheRoomsLastEvent =
        "INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) " +
        "SELECT created, deleted, persistence_id, sequence_number, message, manifest, identifier, 'second-writer' FROM journal " +
        "WHERE persistence_id = 'room-once' ORDER BY sequence_number DESC LIMIT 1";

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Readiness_reports_the_cluster_up_and_the_database_reachable()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var server = await ChatServer.StartAsync(null, "ActorChat:Storage:Provider=PostgreSql", $"ActorChat:Storage:ConnectionString={database}");

        var healthy = await server.Http.GetAsync("/healthz");
        var ready = await PollAsync(() => server.Http.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("up", body.GetProperty("cluster").GetString());
        Assert.Equal("reachable", body.GetProperty("storage").GetString());
    }

    [Fact]
    public async Task Readiness_fails_while_the_database_cannot_be_reached()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var server = await ChatServer.StartAsync(null, "ActorChat:Storage:Provider=PostgreSql", $"ActorChat:Storage:ConnectionString={database}");
        await PollAsync(() => server.Http.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK);

        var gone = database.Replace("Database=", "Database=missing_", StringComparison.Ordinal);
        await using var broken = await ChatServer.StartAsync(null, "ActorChat:Storage:Provider=PostgreSql", $"ActorChat:Storage:ConnectionString={gone}");
        var notReady = await broken.Http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("unreachable", (await notReady.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("storage").GetString());
    }

    private static Task<HttpResponseMessage> PollAsync(Func<Task<HttpResponseMessage>> request, Func<HttpResponseMessage, bool> done) =>
        Eventually.Value(request, done, TimeSpan.FromSeconds(20));

    [Fact]
    public async Task On_postgresql_a_photo_is_kept_in_the_database_so_another_server_on_it_serves_it()
    {
        var database = await postgres.CreateDatabaseAsync();
        string[] settings = ["ActorChat:Storage:Provider=PostgreSql", $"ActorChat:Storage:ConnectionString={database}"];
        string url;
        byte[] uploaded;

        await using (var first = await ChatServer.StartAsync(null, settings))
        {
            var token = await first.RegisterAndLoginAsync("pg_photographer");
            using var form = new MultipartFormDataContent { { new ByteArrayContent(TestImages.Jpeg(64, 48)), "file", "photo.jpg" } };
            using var upload = new HttpRequestMessage(HttpMethod.Post, "/api/attachments") { Content = form };
            upload.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var created = await first.Http.SendAsync(upload);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            url = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
            using var fetch = new HttpRequestMessage(HttpMethod.Get, url);
            fetch.Headers.Authorization = upload.Headers.Authorization;
            uploaded = await (await first.Http.SendAsync(fetch)).Content.ReadAsByteArrayAsync();
            // No photo files in the data directory: the bytes are rows of the shared database.
            Assert.False(Directory.Exists(Path.Combine(first.DataDirectory, "attachments")));
        }

        // Another server with a data directory of its own, on the same database.
        await using var second = await ChatServer.StartAsync(null, settings);
        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await second.LoginAsync("pg_photographer"));
        var served = await second.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(uploaded, await served.Content.ReadAsByteArrayAsync());
    }
}
