using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class JournalHistoryTests
{
    [Fact]
    public async Task History_older_than_what_a_room_keeps_in_memory_is_read_back_from_storage()
    {
        await using var server = await ChatServer.StartAsync(null, "ActorChat:Rooms:ReplayLimit=50", "ActorChat:Rooms:DedupWindow=100");
        await using var alice = await server.ConnectAsync("old_timer");
        await alice.JoinAsync("deep");
        for (var i = 1; i <= 80; i++)
            await alice.SendAsync(new { type = "send", room = "deep", id = $"h{i}", text = $"entry {i}" });
        for (var i = 1; i <= 80; i++)
            await alice.ExpectAsync("ack");

        await alice.SendAsync(new { type = "history", room = "deep", before = 21, limit = 20 });

        var page = await alice.ExpectAsync("history");
        var messages = page.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), messages.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal("entry 1", messages[0].GetProperty("text").GetString());
        Assert.Equal("old_timer", messages[0].GetProperty("from").GetString());
        Assert.Equal("deep", messages[0].GetProperty("room").GetString());
        Assert.False(page.GetProperty("more").GetBoolean());
    }
}
