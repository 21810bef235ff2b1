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

    [Fact]
    public void A_replay_is_cut_to_the_newest_messages_that_fit_the_byte_limit()
    {
        var room = StartRoom("wordy", new RoomSettings { ReplayLimit = 100, DedupWindow = 200, ReplayMaxBytes = 64 * 1024 });
        var (writer, _) = Join(room, "wordy", "writer");
        for (var i = 1; i <= 30; i++)
            room.Tell(new Post("wordy", "writer", $"w{i}", new string('w', 4000)), writer.Ref);
        for (var i = 0; i < 30; i++)
            ExpectFrame(writer, "ack");

        var (_, joined) = Join(room, "wordy", "alice", since: 0);

        var seqs = Seqs(joined.GetProperty("messages")).ToList();
        Assert.True(joined.GetProperty("truncated").GetBoolean());
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
}
