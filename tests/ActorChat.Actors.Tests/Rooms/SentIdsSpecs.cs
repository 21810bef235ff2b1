using ActorChat.Rooms;
using Xunit;

namespace ActorChat.Actors.Tests.Rooms;

public class SentIdsSpecs
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_stored_send_is_found_by_its_user_and_id_with_its_seq_and_time()
    {
        var ids = new SentIds(window: 10);
        ids.Add(new MessagePosted(7, "m-1", "alice", "hi", At), rev: 7);

        Assert.True(ids.TryGet("alice", "m-1", out var sent));
        Assert.Equal(7, sent.Seq);
        Assert.Equal(At, sent.Timestamp);
        Assert.False(ids.TryGet("bob", "m-1", out _));
        Assert.False(ids.TryGet("alice", "m-2", out _));
    }

    [Fact]
    public void Pairs_whose_user_and_id_run_together_the_same_are_told_apart()
    {
        var ids = new SentIds(window: 10);
        ids.Add(new MessagePosted(1, "c", "ab", "x", At), rev: 1);

        Assert.False(ids.TryGet("a", "bc", out _));
        Assert.False(ids.TryGet("abc", "", out _));
        Assert.True(ids.TryGet("ab", "c", out _));
    }

    [Fact]
    public void Only_the_newest_window_of_ids_is_kept()
    {
        var ids = new SentIds(window: 1000);
        for (var seq = 1; seq <= 5000; seq++)
            ids.Add(new MessagePosted(seq, $"id-{seq}", "alice", "x", At), rev: seq);

        Assert.Equal(1000, ids.Count);
        Assert.False(ids.TryGet("alice", "id-4000", out _));
        Assert.True(ids.TryGet("alice", "id-4001", out var oldest));
        Assert.Equal(4001, oldest.Seq);
        Assert.True(ids.TryGet("alice", "id-5000", out _));
    }

    [Fact]
    public void A_repeated_id_keeps_the_seq_it_was_first_stored_at()
    {
        var ids = new SentIds(window: 10);
        ids.Add(new MessagePosted(3, "m", "alice", "x", At), rev: 3);
        ids.Add(new MessagePosted(9, "m", "alice", "x", At.AddSeconds(1)), rev: 9);

        Assert.True(ids.TryGet("alice", "m", out var sent));
        Assert.Equal(3, sent.Seq);
        Assert.Equal(1, ids.Count);
    }
}
