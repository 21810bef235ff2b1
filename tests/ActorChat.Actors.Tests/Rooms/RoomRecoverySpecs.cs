using ActorChat.Rooms;
using ActorChat.Storage;
using ActorChat.Tests;
using Xunit;

namespace ActorChat.Actors.Tests.Rooms;

public class RoomRecoverySpecs : ChatSpec
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly RoomSettings Small = new() { ReplayLimit = 5, DedupWindow = 20 };

    private static MessagePosted Posted(long seq) => new(seq, $"id-{seq}", "alice", $"text {seq}", At);

    private MessageTable Table => MessageTable.Get(Sys);

    // The journal as recovery reads it: events by revision.
    private static Func<long, long, Task<IReadOnlyList<RevisedEvent>>> Journal(IReadOnlyList<IRoomEvent> events) =>
        (from, to) => Task.FromResult<IReadOnlyList<RevisedEvent>>(
            [.. events.Select((e, i) => new RevisedEvent(i + 1, e)).Where(e => e.Rev >= from && e.Rev <= to)]);

    [Fact]
    public async Task Without_a_snapshot_the_replay_makes_the_tail_whole_and_the_table_catches_up()
    {
        var tail = new RoomTail("plain", Small);
        var recovery = new RoomRecovery("plain", tail, Small);
        IRoomEvent[] events = [.. Enumerable.Range(1, 8).Select(seq => Posted(seq)), new MessageEdited(2, "e-1", "alice", "edited", At)];
        for (var i = 0; i < events.Length; i++)
            recovery.Replayed(events[i], i + 1);

        recovery.Finish(await recovery.CompleteAsync(9, Table, Journal(events))!);

        Assert.Equal((8L, 9L), (tail.Seq, tail.Rev));
        Assert.True(tail.TryGetSent("alice", "id-1", out _));
        Assert.True(tail.TryGetSent("alice", "e-1", out var edit));
        Assert.Equal((2L, 9L), (edit.Seq, edit.Rev));
        Assert.True(tail.Recent.Covers(4));
        Assert.False(tail.Recent.Covers(3));
        Assert.Equal(9, await Table.ReadRevAsync("plain"));
        var rows = await Table.ReadAsync("plain", 1, 8);
        Assert.Equal(8, rows.Count);
        Assert.Equal(("edited", 9L), (rows[1].Text, rows[1].Rev));
    }

    [Fact]
    public async Task After_a_snapshot_the_table_takes_what_it_missed_and_gives_back_the_window_in_its_current_state()
    {
        // 100 messages and an edit of message 90 before the snapshot (rev 101), two messages after it.
        IRoomEvent[] events = [.. Enumerable.Range(1, 100).Select(seq => Posted(seq)), new MessageEdited(90, "e-1", "alice", "changed", At),
            Posted(101), Posted(102)];
        // The table had taken the first 50 events only: the room's node died before it took the rest.
        await Table.WriteAsync("snap", [.. events.Take(50).Select((e, i) => new RevisedEvent(i + 1, e))], 50);
        var tail = new RoomTail("snap", Small);
        var recovery = new RoomRecovery("snap", tail, Small);
        recovery.Snapshot(new RoomSnapshot(100), rev: 101);
        recovery.Replayed(events[101], 102);
        recovery.Replayed(events[102], 103);

        recovery.Finish(await recovery.CompleteAsync(103, Table, Journal(events))!);

        Assert.Equal((102L, 103L), (tail.Seq, tail.Rev));
        // The dedup window holds the newest 20 events: messages 84 to 102 and the edit came back from the table.
        Assert.True(tail.TryGetSent("alice", "id-84", out var oldest));
        Assert.Equal(84, oldest.Seq);
        Assert.False(tail.TryGetSent("alice", "id-83", out _));
        Assert.True(tail.TryGetSent("alice", "e-1", out var edit));
        Assert.Equal(101, edit.Rev);
        Assert.True(tail.Recent.Covers(98));
        Assert.Equal(103, await Table.ReadRevAsync("snap"));
        var edited = (await Table.ReadAsync("snap", 90, 90)).Single();
        Assert.Equal(("changed", 101L), (edited.Text, edited.Rev));
    }

    [Fact]
    public void A_room_with_nothing_stored_has_nothing_to_catch_up()
    {
        var tail = new RoomTail("empty", Small);
        var recovery = new RoomRecovery("empty", tail, Small);

        Assert.Null(recovery.CompleteAsync(0, Table, Journal([])));
    }
}
