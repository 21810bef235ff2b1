using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorChat.Testing;
using Microsoft.Data.Sqlite;

namespace ActorChat.Host.Tests;

public sealed class StorageFaultTests
{
    private static async Task<(HttpStatusCode Status, string Storage)> ReadinessAsync(ChatServer server)
    {
        var response = await server.Http.GetAsync("/readyz");
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("storage").GetString()!);
    }

    private static Task<(HttpStatusCode Status, string Storage)> ReadinessUntilAsync(ChatServer server, Func<HttpStatusCode, bool> wanted) =>
        Eventually.Value(() => ReadinessAsync(server), readiness => wanted(readiness.Status), every: TimeSpan.FromMilliseconds(200));

    [Fact]
    public async Task While_the_database_is_locked_the_node_is_unready_and_a_send_is_answered_unavailable_then_stored_once_on_retry()
    {
        await using var server = await ChatServer.StartAsync(null,
            "ActorChat:Connections:RetryInterval=00:00:01", "ActorChat:Connections:SendDeadline=00:00:04");
        await using var alice = await server.ConnectAsync("alice");
        await alice.JoinAsync("vault");
        await alice.SendAsync(new { type = "send", room = "vault", id = "before", text = "stored" });
        await alice.ExpectAsync("ack");
        Assert.Equal(HttpStatusCode.OK, (await ReadinessAsync(server)).Status);

        // Another process takes SQLite's write lock and keeps it, as a backup tool or a stray transaction would.
        await using var blocker = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "actorchat.db")}");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        await alice.SendAsync(new { type = "send", room = "vault", id = "during", text = "held, then unknown" });

        var error = await alice.ExpectSkippingAsync("error", "presence");
        Assert.Equal(("unavailable", "during"), (error.GetProperty("code").GetString(), error.GetProperty("ref").GetString()));
        var unready = await ReadinessUntilAsync(server, status => status == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.Status);
        Assert.True(unready.Storage is "stalled" or "failing", $"storage: {unready.Storage}");

        await using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }
        Assert.Equal(HttpStatusCode.OK, (await ReadinessUntilAsync(server, status => status == HttpStatusCode.OK)).Status);

        // The outcome was unknown, so the client sends again with the same id: it is stored once, after "before".
        await alice.SendAsync(new { type = "send", room = "vault", id = "during", text = "held, then unknown" });
        var ack = await alice.ExpectSkippingAsync("ack", "presence");
        Assert.Equal(("during", 2L), (ack.GetProperty("id").GetString(), ack.GetProperty("seq").GetInt64()));
        await using var bob = await server.ConnectAsync("bob");
        await bob.SendAsync(new { type = "join", room = "vault", since = 0 });
        var replay = (await bob.ExpectAsync("joined")).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(["before", "during"], replay);
    }
}
