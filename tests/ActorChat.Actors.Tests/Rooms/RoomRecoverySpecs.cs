using ActorChat.Rooms;
using Xunit;

namespace ActorChat.Actors.Tests.Rooms;

public class RoomRecoverySpecs
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly RoomSettings Settings = new() { ReplayLimit = 5, DedupWindow = 20 };

    private static MessagePosted Posted(long seq) => new(seq, $"id-{seq}", "alice", $"text {seq}", At);

    [Fact]
    public void Without_a_snapshot_the_replay_alone_makes_the_tail_whole()
    {
        var tail = new RoomTail("lobby", Settings);
        var recovery = new RoomRecovery(tail, Settings.DedupWindow);
        for (var seq = 1; seq <= 8; seq++)
            recovery.Replayed(Posted(seq));

        var (latest, window) = recovery.Complete();

        Assert.Equal(8, latest);
        Assert.Null(window);
        Assert.Equal(8, tail.Seq);
        Assert.True(tail.TryGetSent("alice", "id-1", out _));
        Assert.True(tail.Recent.Covers(4));
        Assert.False(tail.Recent.Covers(3));
    }

    [Fact]
    public void After_a_snapshot_the_window_before_it_is_read_back_then_the_replay_follows()
    {
        var tail = new RoomTail("lobby", Settings);
        var recovery = new RoomRecovery(tail, Settings.DedupWindow);
        recovery.Snapshot(new RoomSnapshot(100), journalSeq: 100);
        recovery.Replayed(Posted(101));
        recovery.Replayed(Posted(102));

        var (latest, window) = recovery.Complete();

        // The dedup window of 20 ends at 102: 83 to 100 are before the snapshot and come from the journal.
        Assert.Equal(102, latest);
        Assert.Equal((83L, 100L), window);
        Assert.False(tail.TryGetSent("alice", "id-101", out _));

        recovery.WindowRead([.. Enumerable.Range(83, 18).Select(seq => Posted(seq))], latest);

        Assert.Equal(102, tail.Seq);
        Assert.True(tail.TryGetSent("alice", "id-83", out var oldest));
        Assert.Equal(83, oldest.Seq);
        Assert.True(tail.TryGetSent("alice", "id-102", out _));
        Assert.True(tail.Recent.Covers(98));
    }

    [Fact]
    public void A_snapshot_of_an_empty_window_needs_nothing_read_back()
    {
        var tail = new RoomTail("lobby", Settings);
        var recovery = new RoomRecovery(tail, Settings.DedupWindow);
        recovery.Snapshot(new RoomSnapshot(0), journalSeq: 0);

        var (latest, window) = recovery.Complete();

        Assert.Equal(0, latest);
        Assert.Null(window);
    }
}
