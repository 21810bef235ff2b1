using ActorChat.Storage;
using ActorChat.Testing;
using Akka.Actor;
using Akka.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace ActorChat.Host.Tests;

public sealed class JournalHistoryTests
{
    /// <summary>How the server's journal has been storing its writes.</summary>
    public static Task<GroupCommitJournal.StoredThrough> StoredThroughAsync(ChatServer server) =>
        Persistence.Instance.Apply(server.Services.GetRequiredService<ActorSystem>()).JournalFor(null)
            .Ask<GroupCommitJournal.StoredThrough>(GroupCommitJournal.HowStored.Instance, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task The_embedded_server_stores_messages_through_its_journals_own_sqlite_connection_and_reads_them_back_after_a_restart()
    {
        var data = Path.Combine(Path.GetTempPath(), "actorchat-journal-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = await ChatServer.StartAsync(data))
            {
                await using var alice = await first.ConnectAsync("writer");
                await alice.JoinAsync("kept");
                for (var i = 1; i <= 3; i++)
                {
                    await alice.SendAsync(new { type = "send", room = "kept", id = $"k{i}", text = $"kept {i}" });
                    Assert.Equal(i, (await alice.ExpectAsync("ack")).GetProperty("seq").GetInt64());
                }
                Assert.Equal(GroupCommitJournal.StoredThrough.OwnConnection, await StoredThroughAsync(first));
            }

            await using var second = await ChatServer.StartAsync(data);
            await using var back = await second.ConnectAsync("writer");
            var joined = await back.JoinAsync("kept");
            Assert.Equal(["kept 1", "kept 2", "kept 3"], joined.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
            await back.SendAsync(new { type = "send", room = "kept", id = "k4", text = "kept 4" });
            Assert.Equal(4, (await back.ExpectAsync("ack")).GetProperty("seq").GetInt64());
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); }
            catch (IOException) { }
        }
    }

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
