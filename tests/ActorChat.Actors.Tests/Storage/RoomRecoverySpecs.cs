using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Tests.Storage;

/// <summary>Rooms that restart from a SQLite journal long enough to have taken snapshots.</summary>
public sealed class RoomRecoverySpecs() : SqliteChatSpec(new Database())
{
    private static readonly TimeSpan LongDeadline = TimeSpan.FromSeconds(120);

    /// <summary>Posts <paramref name="count"/> messages from one writer, ids w1..wN, and waits for every ack.</summary>
    private void PostMany(IActorRef room, string roomName, int count)
    {
        var (writer, _) = Join(room, roomName, "writer");
        for (var i = 1; i <= count; i++)
            room.Tell(new Post(roomName, "writer", $"w{i}", $"message number {i} of a long history"), writer.Ref);
        for (var i = 1; i <= count; i++)
            writer.ExpectMsg<ActorChat.Connections.Acked>(LongDeadline);
        room.Tell(new Leave(roomName, "writer"), writer.Ref);
        ExpectFrame(writer, "left");
    }

    private IActorRef Restart(IActorRef room, string roomName, RoomSettings settings)
    {
        Watch(room);
        Sys.Stop(room);
        ExpectTerminated(room);
        return StartRoom(roomName, settings);
    }

    [Fact]
    public void A_room_of_twenty_thousand_messages_comes_back_with_its_numbering_replay_and_dedup_window_on_the_default_settings()
    {
        var settings = new RoomSettings();
        var room = StartRoom("long", settings);
        PostMany(room, "long", 20_000);

        var restarted = Restart(room, "long", settings);

        var (alice, joined) = Join(restarted, "long", "alice", since: 18_500);
        Assert.Equal(20_000, joined.GetProperty("seq").GetInt64());
        Assert.Equal(Enumerable.Range(19_001, 1000).Select(i => (long)i), Seqs(joined.GetProperty("messages")));
        Assert.True(joined.GetProperty("truncated").GetBoolean());

        // A retry of a message stored 9,000 messages ago, long before the last snapshot: answered, not stored again.
        var (writer, _) = Join(restarted, "long", "writer");
        ExpectFrame(alice, "presence");
        restarted.Tell(new Post("long", "writer", "w11000", "message number 11000 of a long history"), writer.Ref);
        Assert.Equal(11_000, ExpectFrame(writer, "ack").GetProperty("seq").GetInt64());
        restarted.Tell(new Post("long", "writer", "fresh", "after the restart"), writer.Ref);
        Assert.Equal(20_001, ExpectFrame(writer, "ack").GetProperty("seq").GetInt64());
        Assert.Equal(20_001, ExpectFrame(alice, "message").GetProperty("seq").GetInt64());
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_room_restarted_just_after_a_snapshot_still_knows_the_ids_and_messages_before_it()
    {
        var settings = new RoomSettings { ReplayLimit = 50, DedupWindow = 120, SnapshotEvery = 100 };
        var room = StartRoom("edge", settings);
        PostMany(room, "edge", 200);

        var restarted = Restart(room, "edge", settings);

        var (alice, joined) = Join(restarted, "edge", "alice", since: 160);
        Assert.Equal(Enumerable.Range(161, 40).Select(i => (long)i), Seqs(joined.GetProperty("messages")));
        var (writer, _) = Join(restarted, "edge", "writer");
        ExpectFrame(alice, "presence");
        restarted.Tell(new Post("edge", "writer", "w90", "message number 90 of a long history"), writer.Ref);
        Assert.Equal(90, ExpectFrame(writer, "ack").GetProperty("seq").GetInt64());
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
