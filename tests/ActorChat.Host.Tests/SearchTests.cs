using Microsoft.Data.Sqlite;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>Full-text search over real sockets on the embedded store: what a user finds, and what they may not.</summary>
public sealed class SearchTests() : ServerTest("ActorChat:Admin:Users:0=search_root")
{
    private static readonly string[] Ignorable = ["presence", "message", "read", "received", "rooms", "room", "member", "edited", "deleted", "moderation", "blocks", "left"];
    private int _ids;

    private async Task<JsonElement> SearchAsync(ChatClient client, string query, int? limit = null, string? after = null)
    {
        var id = $"q{++_ids}";
        await client.SendAsync(limit is null ? new { type = "search", id, query } : (object)new { type = "search", id, query, limit, after });
        var answer = await client.ExpectSkippingAsync("results", Ignorable);
        Assert.Equal(id, answer.GetProperty("id").GetString());
        return answer;
    }

    private static List<string> Texts(JsonElement results) =>
        [.. results.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("text").GetString()!)];

    private async Task<List<string>> FoundAsync(ChatClient client, string query, int count)
    {
        // The index follows the message table, which is written just after the journal: poll briefly for the newest.
        var found = await Eventually.Value(async () => Texts(await SearchAsync(client, query)), texts => texts.Count == count, TimeSpan.FromSeconds(10));
        return found;
    }

    private static async Task SendAsync(ChatClient client, string room, string id, string text)
    {
        await client.SendAsync(new { type = "send", room, id, text });
        await client.ExpectSkippingAsync("ack", Ignorable);
    }

    [Fact]
    public async Task A_user_finds_by_words_phrases_author_room_and_date_newest_first_with_the_words_marked()
    {
        await using var alice = await Server.ConnectAsync("alice_s");
        await using var bob = await Server.ConnectAsync("bob_s");
        await alice.JoinAsync("garden");
        await bob.JoinAsync("garden");
        await bob.JoinAsync("orchard");
        await SendAsync(bob, "garden", "b1", "the quick brown fox jumps");
        await SendAsync(bob, "garden", "b2", "lazy dogs sleep all day");
        await SendAsync(alice, "garden", "a1", "Fox sightings near the café");
        await SendAsync(bob, "orchard", "b3", "a fox in the orchard, brown and quick");

        var hits = await FoundAsync(alice, "fox", 3);
        Assert.Equal(["a fox in the orchard, brown and quick", "Fox sightings near the café", "the quick brown fox jumps"], hits);
        var first = (await SearchAsync(alice, "FOX")).GetProperty("results")[1];
        Assert.Equal(("garden", 3L, "alice_s"), (first.GetProperty("room").GetString(), first.GetProperty("seq").GetInt64(), first.GetProperty("from").GetString()));
        Assert.Equal([[0, 3]], first.GetProperty("marks").EnumerateArray().Select(m => m.EnumerateArray().Select(n => n.GetInt32()).ToArray()));

        Assert.Equal(["the quick brown fox jumps"], Texts(await SearchAsync(alice, "\"quick brown\"")));
        Assert.Equal(["a fox in the orchard, brown and quick", "the quick brown fox jumps"], Texts(await SearchAsync(alice, "brown quick")));
        Assert.Equal(["Fox sightings near the café"], Texts(await SearchAsync(alice, "fox from:Alice_S")));
        Assert.Equal(["a fox in the orchard, brown and quick"], Texts(await SearchAsync(alice, "fox in:#orchard")));
        Assert.Equal(["Fox sightings near the café"], Texts(await SearchAsync(alice, "cafe")));
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd");
        Assert.Empty(Texts(await SearchAsync(alice, $"fox after:{tomorrow}")));
        Assert.Equal(3, Texts(await SearchAsync(alice, $"fox before:{tomorrow}")).Count);

        // A page at a time, newest first.
        var page = await SearchAsync(alice, "fox", limit: 2);
        Assert.Equal(2, Texts(page).Count);
        var rest = await SearchAsync(alice, "fox", limit: 2, after: page.GetProperty("next").GetString());
        Assert.Equal(["the quick brown fox jumps"], Texts(rest));
        Assert.False(rest.TryGetProperty("next", out _));
    }

    [Fact]
    public async Task Edits_and_deletes_change_what_is_found_and_bad_queries_are_answered_precisely()
    {
        await using var bob = await Server.ConnectAsync("bob_e");
        await bob.JoinAsync("kennel");
        await SendAsync(bob, "kennel", "b1", "lazy dogs sleep");
        await SendAsync(bob, "kennel", "b2", "loud dogs bark");
        await FoundAsync(bob, "dogs", 2);

        await bob.SendAsync(new { type = "edit", room = "kennel", id = "e1", seq = 1, text = "lazy cats sleep" });
        await bob.ExpectSkippingAsync("ack", Ignorable);
        await bob.SendAsync(new { type = "delete", room = "kennel", id = "d1", seq = 2 });
        await bob.ExpectSkippingAsync("ack", Ignorable);

        await FoundAsync(bob, "dogs", 0);
        Assert.Equal(["lazy cats sleep"], Texts(await SearchAsync(bob, "cats")));

        foreach (var (frame, code) in new (object, string)[]
                 {
                     (new { type = "search", id = "x1", query = "   " }, "bad_frame"),
                     (new { type = "search", id = "x2", query = "from:bob" }, "bad_frame"),
                     (new { type = "search", id = "x3", query = "dogs before:someday" }, "bad_frame"),
                     (new { type = "search", id = "x4", query = new string('a', 501) }, "too_large"),
                     (new { type = "search", id = "x5", query = "dogs", after = "not a position" }, "bad_frame"),
                 })
        {
            await bob.SendAsync(frame);
            Assert.Equal(code, (await bob.ExpectSkippingAsync("error", Ignorable)).GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task A_message_edited_or_deleted_before_the_index_takes_it_in_is_found_as_it_reads_now()
    {
        await using var bob = await Server.ConnectAsync("bob_w");
        await bob.JoinAsync("shore");
        await SendAsync(bob, "shore", "w1", "first draft about a walrus");
        await SendAsync(bob, "shore", "w2", "a doomed walrus remark");
        // At once, well within the second the index takes to take them in.
        await bob.SendAsync(new { type = "edit", room = "shore", id = "e1", seq = 1, text = "final copy about a narwhal" });
        await bob.ExpectSkippingAsync("ack", Ignorable);
        await bob.SendAsync(new { type = "delete", room = "shore", id = "d1", seq = 2 });
        await bob.ExpectSkippingAsync("ack", Ignorable);
        await SendAsync(bob, "shore", "w3", "the walrus that stays");

        Assert.Equal(["the walrus that stays"], await FoundAsync(bob, "walrus", 1));
        Assert.Equal(["final copy about a narwhal"], Texts(await SearchAsync(bob, "narwhal")));
        Assert.Empty(Texts(await SearchAsync(bob, "draft")));
    }

    [Fact]
    public async Task Messages_stored_just_before_a_restart_are_found_after_it_without_their_room_being_opened()
    {
        await using (var bob = await Server.ConnectAsync("bob_r"))
        {
            await bob.JoinAsync("marsh");
            foreach (var n in new[] { 1, 2, 3 })
                await SendAsync(bob, "marsh", $"h{n}", $"heron number {n}");
        }

        await RestartAsync();

        await using var back = await Server.ConnectAsync("bob_r");
        Assert.Equal(["heron number 3", "heron number 2", "heron number 1"], await FoundAsync(back, "heron", 3));
    }

    [Fact]
    public async Task An_index_the_database_kept_row_by_row_is_taken_over_whole_and_new_messages_join_it()
    {
        await using (var bob = await Server.ConnectAsync("bob_u"))
        {
            await bob.JoinAsync("pond");
            await SendAsync(bob, "pond", "u1", "an old newt");
            await FoundAsync(bob, "newt", 1);
        }

        // As the version before kept it: every message indexed by a trigger as it was inserted, and no record of where
        // a writer's steps got to.
        await RestartAsync(data =>
        {
            using var table = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "actorchat.messages.db"), Pooling = false }.ToString());
            table.Open();
            using var command = table.CreateCommand();
            command.CommandText = """
                DROP TABLE actorchat_search_state;
                CREATE TRIGGER actorchat_search_added AFTER INSERT ON actorchat_messages WHEN new.search_key IS NOT NULL BEGIN
                    INSERT INTO actorchat_search (rowid, body) VALUES (new.search_key, new.body);
                END;
                """;
            command.ExecuteNonQuery();
        });

        await using var back = await Server.ConnectAsync("bob_u");
        await back.JoinAsync("pond");
        await SendAsync(back, "pond", "u2", "a new newt");
        Assert.Equal(["a new newt", "an old newt"], await FoundAsync(back, "newt", 2));
        Assert.Equal(["a new newt", "an old newt"], Texts(await SearchAsync(back, "newt")));
    }

    [Fact]
    public async Task Nothing_is_found_that_the_user_may_not_read_now()
    {
        await using var alice = await Server.ConnectAsync("alice_a");
        await using var carol = await Server.ConnectAsync("carol_a");
        await using var root = await Server.ConnectAsync("search_root");
        await carol.SendAsync(new { type = "create", room = "vault", @private = true });
        await carol.ExpectSkippingAsync("joined", Ignorable);
        await SendAsync(carol, "vault", "c1", "secret otter plans");
        await carol.JoinAsync("pond");
        await SendAsync(carol, "pond", "c2", "public otter pictures");
        await root.SendAsync(new { type = "dm", user = "carol_a" });
        await root.ExpectSkippingAsync("joined", Ignorable);
        await SendAsync(root, "dm:carol_a:search_root", "r1", "private otter chat");

        // Only the public room: not the private room, not someone else's conversation.
        Assert.Equal(["public otter pictures"], await FoundAsync(alice, "otter", 1));

        // Invited and in: the private room's messages too; removed: gone again.
        await carol.SendAsync(new { type = "invite", room = "vault", user = "alice_a" });
        await carol.ExpectSkippingAsync("member", Ignorable);
        await alice.JoinAsync("vault");
        Assert.Contains("secret otter plans", await FoundAsync(alice, "otter", 2));
        await carol.SendAsync(new { type = "remove", room = "vault", user = "alice_a" });
        Assert.Equal(["public otter pictures"], await FoundAsync(alice, "otter", 1));

        // Banned from the public room: nothing of it.
        await root.JoinAsync("pond");
        await root.SendAsync(new { type = "ban", room = "pond", id = "ban1", user = "alice_a" });
        await root.ExpectSkippingAsync("ack", Ignorable);
        await FoundAsync(alice, "otter", 0);

        // A blocked user's messages stay out; the conversation's two users find theirs.
        Assert.Equal(["private otter chat", "public otter pictures", "secret otter plans"], await FoundAsync(carol, "otter", 3));
        await root.SendAsync(new { type = "block", user = "carol_a" });
        await root.ExpectSkippingAsync("blocks", Ignorable);
        Assert.Equal(["private otter chat"], await FoundAsync(root, "otter", 1));
    }

    [Fact]
    public async Task A_room_of_100000_messages_is_searched_whole_a_page_at_a_time_newest_first()
    {
        // The room's history as the room writes it to the message table (the index follows the table), without
        // posting 100,000 messages through a socket one by one.
        var table = ActorChat.Storage.MessageTable.Get(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Akka.Actor.ActorSystem>(Server.Services));
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        for (var from = 1; from <= 100_000; from += 5_000)
        {
            var events = Enumerable.Range(from, 5_000).Select(seq => new ActorChat.Storage.RevisedEvent(seq, new ActorChat.Rooms.MessagePosted(seq, $"k{seq}", "keeper",
                seq % 1_000 == 0 ? $"wave {seq}: the lighthouse blinks" : $"wave {seq} rolls in", start.AddMilliseconds(seq * 10)))).ToList();
            await table.WriteAsync("archive", events, from + 4_999);
        }
        // The index takes them in a step at a time after they are stored.
        await Eventually.Value(table.SearchBacklogAsync, backlog => backlog == 0, TimeSpan.FromSeconds(60));
        await using var reader = await Server.ConnectAsync("reader_big");

        var seqs = new List<long>();
        string? after = null;
        do
        {
            var page = await SearchAsync(reader, "lighthouse in:archive", limit: 50, after: after);
            seqs.AddRange(page.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("seq").GetInt64()));
            after = page.TryGetProperty("next", out var next) ? next.GetString() : null;
        }
        while (after is not null);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => 100_000L - (i - 1) * 1_000), seqs);

        // A word in every message: the newest page comes as fast, newest first.
        var newest = (await SearchAsync(reader, "wave", limit: 20)).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("seq").GetInt64());
        Assert.Equal(Enumerable.Range(0, 20).Select(i => 100_000L - i), newest);
    }
}
