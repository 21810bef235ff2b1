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
    [Fact]
    public async Task A_page_read_from_storage_holds_at_most_the_byte_limit_and_says_more_until_the_first_message()
    {
        // Every character a control character: 4,000 of them take 24,000 bytes once escaped in JSON.
        await using var server = await ChatServer.StartAsync(null,
            "ActorChat:Rooms:ReplayLimit=50", "ActorChat:Rooms:DedupWindow=100", "ActorChat:Rooms:ReplayMaxBytes=65536");
        await using var alice = await server.ConnectAsync("escapist");
        await alice.JoinAsync("escaped");
        for (var i = 1; i <= 60; i++)
            await alice.SendAsync(new { type = "send", room = "escaped", id = $"e{i}", text = new string('\u0001', 4000) });
        for (var i = 1; i <= 60; i++)
            await alice.ExpectAsync("ack");

        var seen = new List<long>();
        long before = 11;
        bool more;
        do
        {
            // Messages 1-10 are older than the 50 the room keeps in memory: each page comes from storage.
            await alice.SendAsync(new { type = "history", room = "escaped", before, limit = 200 });
            var page = await alice.ExpectAsync("history");
            var seqs = page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToList();
            Assert.InRange(seqs.Count, 1, 2);
            Assert.True(page.GetRawText().Length < 70 * 1024, $"a page of {page.GetRawText().Length} bytes");
            seen.InsertRange(0, seqs);
            before = seqs[0];
            more = page.GetProperty("more").GetBoolean();
        }
        while (more);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), seen);
    }
}
