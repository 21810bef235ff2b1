using System.Text.Json;
using ActorChat.Testing;
using Microsoft.Data.Sqlite;

namespace ActorChat.Host.Tests;

/// <summary>
/// The message table is a projection of the journals, but for the room lists it owns: with everything else in it
/// lost, a restarted server rebuilds it, and users find the same rooms, unread counts, messages and read markers.
/// </summary>
public sealed class ProjectionRebuildTests
{
    private static async Task<string> RoomsAsync(ChatClient client)
    {
        await client.SendAsync(new { type = "rooms" });
        var rooms = (await client.ExpectSkippingAsync("rooms", "room")).GetProperty("rooms");
        // What the list says of each room, but when its last activity was (the table keeps ticks, the journal the same).
        return string.Join("; ", rooms.EnumerateArray().Select(r =>
            $"{r.GetProperty("room").GetString()} {r.GetProperty("kind").GetString()} seq {r.GetProperty("seq").GetInt64()} read {r.GetProperty("read").GetInt64()} unread {r.GetProperty("unread").GetInt64()}"));
    }

    private static string History(JsonElement joined) =>
        string.Join("; ", joined.GetProperty("messages").EnumerateArray().Select(m =>
            $"{m.GetProperty("seq").GetInt64()} {m.GetProperty("from").GetString()}: {m.GetProperty("text").GetString()}"
            + (m.TryGetProperty("editedAt", out _) ? " (edited)" : "")
            + (m.TryGetProperty("deleted", out _) ? " (deleted)" : "")
            + (m.TryGetProperty("reactions", out var reactions) ? " " + string.Join(",", reactions.EnumerateArray().Select(r => r.GetProperty("emoji").GetString() + r.GetProperty("count").GetInt64())) : "")));

    private static async Task PostAsync(ChatClient client, string room, string id, string text)
    {
        await client.SendAsync(new { type = "send", room, id, text });
        await client.ExpectSkippingAsync("ack", "presence", "message", "read", "reaction", "edited");
    }

    [Fact]
    public async Task With_the_table_lost_but_for_the_room_lists_a_restarted_server_rebuilds_unread_counts_history_and_read_markers_from_the_journals()
    {
        string dataDirectory;
        string roomsBefore, historyBefore;
        await using (var before = await ChatServer.StartAsync())
        {
            dataDirectory = before.DataDirectory;
            await using var ann = await before.ConnectAsync("Ann");
            await using var ben = await before.ConnectAsync("ben");
            await ann.JoinAsync("porch");
            await ben.JoinAsync("porch");
            await ann.ExpectAsync("presence");
            await ann.JoinAsync("attic");
            for (var i = 1; i <= 4; i++)
                await PostAsync(ann, "porch", $"p{i}", $"porch {i}");
            await PostAsync(ann, "attic", "a1", "attic 1");
            await ann.SendAsync(new { type = "edit", room = "porch", id = "e1", seq = 2, text = "porch 2, edited" });
            await ann.ExpectSkippingAsync("ack", "presence");
            await ben.SendAsync(new { type = "react", room = "porch", id = "r1", seq = 1, emoji = "👍" });
            await ben.ExpectSkippingAsync("ack", "message", "edited", "presence");
            await ben.SendAsync(new { type = "read", room = "porch", seq = 3 });
            await ann.SendAsync(new { type = "dm", user = "ben" });
            await ann.ExpectSkippingAsync("joined", "read", "reaction", "presence");
            await PostAsync(ann, "dm:ann:ben", "d1", "just us");
            await using var benAgain = await before.ConnectAsync("ben");
            roomsBefore = (await Eventually.Value(() => RoomsAsync(benAgain), rooms => rooms.Contains("porch public seq 4 read 3 unread 1") && rooms.Contains("dm:ann:ben"))).ToString();
            historyBefore = History(await benAgain.JoinAsync("porch"));
        }
        Assert.Equal("porch public seq 4 read 3 unread 1; dm:ann:ben direct seq 1 read 0 unread 1", roomsBefore);

        // Every table but the room lists gone, and with them every read marker the table held.
        await using (var table = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "actorchat.messages.db")};Pooling=False"))
        {
            await table.OpenAsync();
            await using var drop = table.CreateCommand();
            drop.CommandText = """
                DROP TABLE actorchat_messages; DROP TABLE actorchat_reactions; DROP TABLE actorchat_changes;
                DROP TABLE actorchat_rooms; DROP TABLE actorchat_room_access; UPDATE actorchat_members SET read_seq = 0;
                """;
            await drop.ExecuteNonQueryAsync();
        }

        await using var after = await ChatServer.StartAsync(dataDirectory);
        await using var ben2 = await ChatClient.ConnectAsync(after.SocketAddress, await after.LoginAsync("ben"));
        await ben2.ExpectAsync("welcome");
        Assert.Equal(roomsBefore, await Eventually.Value(() => RoomsAsync(ben2), rooms => rooms == roomsBefore));
        var joined = await ben2.JoinAsync("porch");
        Assert.Equal(historyBefore, History(joined));
        Assert.Equal("1 Ann: porch 1 👍1; 2 Ann: porch 2, edited (edited); 3 Ann: porch 3; 4 Ann: porch 4", historyBefore);
    }
}
