using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Tests.Rooms;

public sealed class RoomHistorySpecs : ChatSpec
{
    private void PostMany(IActorRef room, string roomName, int count, int firstSeq = 1)
    {
        var (writer, _) = Join(room, roomName, "writer");
        for (var i = firstSeq; i < firstSeq + count; i++)
            room.Tell(new Post(roomName, "writer", $"m{i}", $"text {i}"), writer.Ref);
        for (var i = 0; i < count; i++)
            ExpectFrame(writer, "ack");
        room.Tell(new Leave(roomName, "writer"), writer.Ref);
        ExpectFrame(writer, "left");
    }

    private static readonly RoomSettings Wordy = new() { ReplayLimit = 100, DedupWindow = 200, ReplayMaxBytes = 64 * 1024 };

    /// <summary>Thirty messages of about 4 KB each: about twice what one page or replay may carry under <see cref="Wordy"/>.</summary>
    private IActorRef StartWordyRoom(string roomName)
    {
        var room = StartRoom(roomName, Wordy);
        var (writer, _) = Join(room, roomName, "writer");
        for (var i = 1; i <= 30; i++)
            room.Tell(new Post(roomName, "writer", $"w{i}", new string('w', 4000)), writer.Ref);
        for (var i = 0; i < 30; i++)
            ExpectFrame(writer, "ack");
        return room;
    }

    [Fact]
    public void Joining_without_since_shows_the_latest_fifty_messages()
    {
        var room = StartRoom("backlog");
        PostMany(room, "backlog", 70);

        var (_, joined) = Join(room, "backlog", "alice");

        Assert.Equal(70, joined.GetProperty("seq").GetInt64());
        Assert.Equal(Enumerable.Range(21, 50).Select(i => (long)i), Seqs(joined.GetProperty("messages")));
        Assert.False(joined.TryGetProperty("truncated", out _));
    }

    [Fact]
    public void Joining_with_since_replays_exactly_the_missed_messages()
    {
        var room = StartRoom("resume");
        PostMany(room, "resume", 30);

        var (_, joined) = Join(room, "resume", "alice", since: 25);

        Assert.Equal([26L, 27, 28, 29, 30], Seqs(joined.GetProperty("messages")));
        var last = joined.GetProperty("messages")[4];
        Assert.Equal("text 30", last.GetProperty("text").GetString());
        Assert.Equal("writer", last.GetProperty("from").GetString());
    }

    [Fact]
    public void A_replay_past_the_limit_gives_the_newest_messages_and_says_it_was_truncated()
    {
        var room = StartRoom("long-gone");
        PostMany(room, "long-gone", 130);

        var (_, joined) = Join(room, "long-gone", "alice", since: 0);

        Assert.Equal(Enumerable.Range(31, 100).Select(i => (long)i), Seqs(joined.GetProperty("messages")));
        Assert.True(joined.GetProperty("truncated").GetBoolean());
    }

    [Theory]
    [InlineData(0L, true)]
    [InlineData(null, false)]
    public void A_join_with_or_without_since_is_cut_to_the_newest_messages_that_fit_the_byte_limit(long? since, bool truncated)
    {
        var room = StartWordyRoom("wordy");

        var (_, joined) = Join(room, "wordy", "alice", since);

        // Without since the client asked for no replay, only the latest page: nothing was cut from what it asked.
        var seqs = Seqs(joined.GetProperty("messages")).ToList();
        Assert.Equal(truncated, joined.TryGetProperty("truncated", out var flag) && flag.GetBoolean());
        Assert.InRange(seqs.Count, 10, 16);
        Assert.Equal(Enumerable.Range(31 - seqs.Count, seqs.Count).Select(i => (long)i), seqs);
        Assert.True(joined.GetRawText().Length < 70 * 1024);
    }

    [Fact]
    public void History_pages_backwards_in_seq_order_and_says_when_there_is_more()
    {
        var room = StartRoom("pages");
        PostMany(room, "pages", 30);
        var (alice, _) = Join(room, "pages", "alice");

        room.Tell(new GetHistory("pages", Before: 21, Limit: 10), alice.Ref);
        var page = ExpectFrame(alice, "history");
        Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), Seqs(page.GetProperty("messages")));
        Assert.True(page.GetProperty("more").GetBoolean());

        room.Tell(new GetHistory("pages", Before: 11, Limit: 50), alice.Ref);
        var first = ExpectFrame(alice, "history");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), Seqs(first.GetProperty("messages")));
        Assert.False(first.GetProperty("more").GetBoolean());
    }
    [Fact]
    public void A_history_page_holds_the_newest_messages_that_fit_the_byte_limit_and_paging_on_from_it_misses_nothing()
    {
        var room = StartWordyRoom("paged-wordy");
        var (alice, _) = Join(room, "paged-wordy", "alice");

        var seen = new List<long>();
        long before = 31;
        bool more;
        do
        {
            room.Tell(new GetHistory("paged-wordy", Before: before, Limit: 200), alice.Ref);
            var page = ExpectFrame(alice, "history");
            var seqs = Seqs(page.GetProperty("messages")).ToList();
            Assert.InRange(seqs.Count, 1, 16);
            Assert.True(page.GetRawText().Length < 70 * 1024);
            Assert.Equal(Enumerable.Range((int)(before - seqs.Count), seqs.Count).Select(i => (long)i), seqs);
            seen.InsertRange(0, seqs);
            before = seqs[0];
            more = page.GetProperty("more").GetBoolean();
        }
        while (more);

        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), seen);
    }

    [Fact]
    public void Joining_with_a_since_at_or_past_the_newest_message_replays_nothing()
    {
        var room = StartRoom("caught-up");
        PostMany(room, "caught-up", 5);

        var (alice, atNewest) = Join(room, "caught-up", "alice", since: 5);
        room.Tell(new Leave("caught-up", "alice"), alice.Ref);
        ExpectFrame(alice, "left");
        var (_, pastEverything) = Join(room, "caught-up", "bob", since: long.MaxValue);

        foreach (var joined in new[] { atNewest, pastEverything })
        {
            Assert.Equal(5, joined.GetProperty("seq").GetInt64());
            Assert.Empty(Seqs(joined.GetProperty("messages")));
            Assert.False(joined.TryGetProperty("truncated", out _));
        }
    }
}
