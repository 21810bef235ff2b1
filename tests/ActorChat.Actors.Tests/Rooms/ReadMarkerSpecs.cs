using ActorChat.Connections;
using ActorChat.Rooms;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Tests.Rooms;

/// <summary>
/// Read markers have one record, the room's marker journal; the message table's markers, which give unread counts at
/// sign-in, follow from it and are restored from it.
/// </summary>
public sealed class ReadMarkerSpecs : ChatSpec
{
    private static readonly TimeSpan TableDeadline = TimeSpan.FromSeconds(10);

    private IActorRef RoomWithThreeMessagesReadToTwo()
    {
        var room = StartRoom("porch");
        var (alice, _) = Join(room, "porch", "Alice");
        var (bob, _) = Join(room, "porch", "Bob");
        ExpectFrame(alice, "presence");
        for (var i = 1; i <= 3; i++)
        {
            room.Tell(new Post("porch", "Alice", $"m{i}", $"message {i}"), alice.Ref);
            alice.ExpectMsg<Acked>();
            ExpectFrame(bob, "message");
        }
        room.Tell(new MarkRead("porch", "Bob", 2), bob.Ref);
        Assert.Equal(2, ExpectFrame(alice, "read").GetProperty("seq").GetInt64());
        return room;
    }

    private async Task<RoomState> BobsStateAsync() => (await MessageTable.Get(Sys).Members.ReadRoomStatesAsync("bob", ["porch"]))["porch"];

    [Fact]
    public async Task A_read_marker_reaches_the_unread_counts_of_the_message_table()
    {
        RoomWithThreeMessagesReadToTwo();

        await AwaitAssertAsync(async () => Assert.Equal(new RoomState(3, (await BobsStateAsync()).LastActivity, 2), await BobsStateAsync()), TableDeadline);
    }

    [Fact]
    public async Task A_read_marker_the_message_table_lost_is_written_again_from_the_journal_when_the_room_starts()
    {
        var room = RoomWithThreeMessagesReadToTwo();
        await AwaitAssertAsync(async () => Assert.Equal((3L, 2L), ((await BobsStateAsync()).Seq, (await BobsStateAsync()).Read)), TableDeadline);
        var table = MessageTable.Get(Sys);
        await using (var connection = await table.Database.OpenAsync())
        {
            await using var forget = TableDatabase.Command(connection, "UPDATE actorchat_members SET read_seq = 0 WHERE room = 'porch'");
            await forget.ExecuteNonQueryAsync();
        }
        Assert.Equal(3, (await BobsStateAsync()).Unread);
        Watch(room);
        Sys.Stop(room);
        ExpectTerminated(room);

        var (bob, joined) = Join(StartRoom("porch"), "porch", "Bob");

        await AwaitAssertAsync(async () => Assert.Equal(1, (await BobsStateAsync()).Unread), TableDeadline);
        bob.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(3, joined.GetProperty("seq").GetInt64());
    }
}
