using System.Text.Json;
using ActorChat.Connections;
using ActorChat.Rooms;
using ActorChat.Storage;
using Akka.Actor;
using Akka.TestKit;

namespace ActorChat.Tests.Storage;

/// <summary>
/// Changes to messages and rosters that a room must find again after a restart, on the server's own storage: the
/// SQLite journal and its queries (a restart may read back what the message table had not taken yet), the table, and
/// the serializers of stored records.
/// </summary>
public sealed class DurableChangeSpecs() : SqliteChatSpec(new Database(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")) + "\nakka.actor.provider = local\n"))
{
    private static void Post(IActorRef room, string roomName, TestProbe connection, string user, string id, string text)
    {
        room.Tell(new ActorChat.Rooms.Post(roomName, user, id, text), connection.Ref);
        ExpectFrame(connection, "ack");
    }

    private static JsonElement Change(IActorRef room, TestProbe connection, ChangeMessage change, string answer = "ack")
    {
        room.Tell(change, connection.Ref);
        return ExpectFrame(connection, answer);
    }

    private static JsonElement MessageAt(JsonElement joined, long seq) =>
        joined.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("seq").GetInt64() == seq);

    private JoinRefused Refused(IActorRef room, Join join)
    {
        var connection = CreateTestProbe();
        room.Tell(join, connection.Ref);
        return connection.ExpectMsg<JoinRefused>(ColdStartDeadline);
    }

    [Fact]
    public void Edits_deletes_and_reactions_outlive_the_room_whether_it_recovers_from_the_journal_or_a_snapshot()
    {
        foreach (var snapshotEvery in new[] { 1000, 5 })
        {
            var name = $"durable-{snapshotEvery}";
            var settings = new RoomSettings { ReplayLimit = 50, DedupWindow = 60, SnapshotEvery = snapshotEvery };
            var room = StartRoom(name, settings);
            var (alice, _) = Join(room, name, "alice");
            for (var i = 1; i <= 8; i++)
                Post(room, name, alice, "alice", $"m{i}", $"text {i}");
            Change(room, alice, new ChangeMessage(name, "alice", "e1", 2, ChangeKind.Edit, "two"));
            Change(room, alice, new ChangeMessage(name, "alice", "d1", 3, ChangeKind.Delete, ""));
            Change(room, alice, new ChangeMessage(name, "alice", "r1", 4, ChangeKind.React, "🔥"));
            Post(room, name, alice, "alice", "m9", "text 9");

            Watch(room);
            Sys.Stop(room);
            ExpectTerminated(room);
            var again = StartRoom(name, settings);
            var (bob, joined) = Join(again, name, "bob", since: 0);

            Assert.Equal((9L, 12L), (joined.GetProperty("seq").GetInt64(), joined.GetProperty("rev").GetInt64()));
            Assert.Equal("two", MessageAt(joined, 2).GetProperty("text").GetString());
            Assert.True(MessageAt(joined, 3).GetProperty("deleted").GetBoolean());
            Assert.Equal("🔥", MessageAt(joined, 4).GetProperty("reactions")[0].GetProperty("emoji").GetString());
            // The ids stored before the restart still drop retries.
            var retried = Change(again, bob, new ChangeMessage(name, "alice", "e1", 2, ChangeKind.Edit, "two"));
            Assert.Equal(9L, retried.GetProperty("rev").GetInt64());
        }
    }

    [Fact]
    public void The_roster_outlives_the_room_whether_it_recovers_from_the_journal_or_a_snapshot()
    {
        foreach (var snapshotEvery in new[] { 1000, 2 })
        {
            var name = $"kept-{snapshotEvery}";
            var settings = new RoomSettings { ReplayLimit = 50, DedupWindow = 60, SnapshotEvery = snapshotEvery };
            var room = StartRoom(name, settings);
            var owner = CreateTestProbe();
            room.Tell(new Join(name, "alice", null, HubFor(name), Create: true), owner.Ref);
            owner.ExpectMsg<JoinedRoom>(ColdStartDeadline);
            foreach (var member in new[] { "bob", "carol", "dave" })
            {
                room.Tell(new ChangeMembership(name, "alice", member, Invite: true), owner.Ref);
                ExpectFrame(owner, "member");
            }
            room.Tell(new ChangeMembership(name, "alice", "carol", Invite: false), owner.Ref);
            ExpectFrame(owner, "member");
            room.Tell(new Post(name, "alice", "p1", "a message to take a snapshot after"), owner.Ref);
            ExpectFrame(owner, "ack");

            Watch(room);
            Sys.Stop(room);
            ExpectTerminated(room);
            var again = StartRoom(name, settings);

            var (_, joined) = Join(again, name, "dave");
            Assert.Equal(["alice", "bob", "dave"], joined.GetProperty("roster").EnumerateArray().Select(u => u.GetString()));
            Assert.Equal("forbidden", Refused(again, new Join(name, "carol", null, HubFor(name))).Code);
        }
    }

    [Fact]
    public async Task A_room_whose_history_predates_the_message_table_fills_it_from_the_journal_when_it_recovers()
    {
        var settings = new RoomSettings { ReplayLimit = 50, DedupWindow = 60, SnapshotEvery = 20 };
        var room = StartRoom("elder", settings);
        var (alice, _) = Join(room, "elder", "alice");
        for (var i = 1; i <= 70; i++)
            Post(room, "elder", alice, "alice", $"m{i}", $"old news {i}");
        Change(room, alice, new ChangeMessage("elder", "alice", "e1", 3, ChangeKind.Edit, "old news 3, corrected"));
        Watch(room);
        Sys.Stop(room);
        ExpectTerminated(room);

        // As if the room was written before the table existed: once the table has taken all of it, it forgets it.
        await using (var connection = await MessageTable.Get(Sys).Database.OpenAsync())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COALESCE(MAX(rev), 0) FROM actorchat_rooms WHERE room = 'elder'";
            await AwaitConditionAsync(async () => (long)(await command.ExecuteScalarAsync())! == 71, ColdStartDeadline);
            command.CommandText = "DELETE FROM actorchat_messages WHERE room = 'elder'; DELETE FROM actorchat_rooms WHERE room = 'elder';";
            await command.ExecuteNonQueryAsync();
        }
        var again = StartRoom("elder", settings);
        var (bob, joined) = Join(again, "elder", "bob");

        Assert.Equal((70L, 71L), (joined.GetProperty("seq").GetInt64(), joined.GetProperty("rev").GetInt64()));
        // Older than the room keeps in memory: read from the table it filled again.
        again.Tell(new GetHistory("elder", 5, 4), bob.Ref);
        var page = ExpectFrame(bob, "history");
        Assert.Equal(["old news 1", "old news 2", "old news 3, corrected", "old news 4"],
            page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
    }

    [Fact]
    public void A_reply_keeps_the_message_it_answers_through_a_restart_and_in_history_older_than_memory()
    {
        var settings = new RoomSettings { ReplayLimit = 50, DedupWindow = 60, SnapshotEvery = 20 };
        var room = StartRoom("replies", settings);
        var (alice, _) = Join(room, "replies", "alice");
        Post(room, "replies", alice, "alice", "m1", "who is coming friday?");
        room.Tell(new ActorChat.Rooms.Post("replies", "alice", "m2", "me!", ReplyTo: 1), alice.Ref);
        ExpectFrame(alice, "ack");
        // A reply to a message the room does not have is refused, and stores nothing.
        room.Tell(new ActorChat.Rooms.Post("replies", "alice", "m3", "to nothing", ReplyTo: 9), alice.Ref);
        var refused = ExpectFrame(alice, "error");
        Assert.Equal(("not_found", "m3"), (refused.GetProperty("code").GetString(), refused.GetProperty("ref").GetString()));
        for (var i = 4; i <= 70; i++)
            Post(room, "replies", alice, "alice", $"m{i}", $"filler {i}");
        Watch(room);
        Sys.Stop(room);
        ExpectTerminated(room);

        var again = StartRoom("replies", settings);
        var (bob, _) = Join(again, "replies", "bob");
        // Older than the room keeps in memory: the page comes from the message table.
        again.Tell(new GetHistory("replies", 3, 2), bob.Ref);
        var page = ExpectFrame(bob, "history").GetProperty("messages");

        Assert.False(page[0].TryGetProperty("replyTo", out _));
        Assert.Equal(1, page[1].GetProperty("replyTo").GetInt64());
    }
}
