using System.Text.Json;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.TestKit;

namespace ActorChat.Tests.Rooms;

/// <summary>Edits, deletes and reactions: who may make them, what every member sees, and what later joiners see.</summary>
public sealed class MessageChangeSpecs : ChatSpec
{
    // Fifty messages in memory: a room of sixty has ten older ones, read from the message table.
    private static readonly RoomSettings Short = new() { ReplayLimit = 50, DedupWindow = 60, SnapshotEvery = 1000 };

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

    private static JsonElement MessageAt(JsonElement joinedOrHistory, long seq) =>
        joinedOrHistory.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("seq").GetInt64() == seq);

    [Fact]
    public void An_edit_is_acked_with_its_revision_announced_to_the_others_and_shown_to_later_joiners()
    {
        var room = StartRoom("edits");
        var (alice, _) = Join(room, "edits", "alice");
        var (bob, _) = Join(room, "edits", "bob");
        ExpectFrame(alice, "presence");
        Post(room, "edits", alice, "alice", "m1", "helo");
        ExpectFrame(bob, "message");

        var ack = Change(room, alice, new ChangeMessage("edits", "alice", "e1", 1, ChangeKind.Edit, "hello"));

        Assert.Equal(("e1", 1L, 2L), (ack.GetProperty("id").GetString(), ack.GetProperty("seq").GetInt64(), ack.GetProperty("rev").GetInt64()));
        var edited = ExpectFrame(bob, "edited");
        Assert.Equal((1L, 2L, "hello"), (edited.GetProperty("seq").GetInt64(), edited.GetProperty("rev").GetInt64(), edited.GetProperty("text").GetString()));
        Assert.True(edited.TryGetProperty("editedAt", out _));
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        var (_, joined) = Join(room, "edits", "carol");
        var message = MessageAt(joined, 1);
        Assert.Equal("hello", message.GetProperty("text").GetString());
        Assert.True(message.TryGetProperty("editedAt", out _));
        Assert.Equal(1L, message.GetProperty("rev").GetInt64());
        Assert.Equal(2L, joined.GetProperty("rev").GetInt64());
        Assert.Equal(1L, joined.GetProperty("seq").GetInt64());
    }

    [Fact]
    public void Only_the_sender_edits_or_deletes_a_message_even_one_older_than_the_room_holds_in_memory()
    {
        var room = StartRoom("owners", Short);
        var (alice, _) = Join(room, "owners", "alice");
        for (var i = 1; i <= 60; i++)
            Post(room, "owners", alice, "alice", $"m{i}", $"text {i}");
        var (bob, _) = Join(room, "owners", "bob");
        ExpectFrame(alice, "presence");

        foreach (var seq in new long[] { 3, 55 })
        {
            var refused = Change(room, bob, new ChangeMessage("owners", "bob", $"e{seq}", seq, ChangeKind.Edit, "mine now"), "error");
            Assert.Equal(("forbidden", $"e{seq}"), (refused.GetProperty("code").GetString(), refused.GetProperty("ref").GetString()));
            refused = Change(room, bob, new ChangeMessage("owners", "bob", $"d{seq}", seq, ChangeKind.Delete, ""), "error");
            Assert.Equal("forbidden", refused.GetProperty("code").GetString());
        }
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // The sender may: the old message is read from the table, changed, and its page shows the change.
        Change(room, alice, new ChangeMessage("owners", "alice", "e3", 3, ChangeKind.Edit, "text 3, corrected"));
        Assert.Equal("text 3, corrected", ExpectFrame(bob, "edited").GetProperty("text").GetString());
        room.Tell(new GetHistory("owners", 5, 4), bob.Ref);
        var page = ExpectFrame(bob, "history");
        Assert.Equal("text 3, corrected", MessageAt(page, 3).GetProperty("text").GetString());
        Assert.Equal("text 4", MessageAt(page, 4).GetProperty("text").GetString());
    }

    [Fact]
    public void A_deleted_message_keeps_its_seq_as_an_empty_placeholder_and_can_no_longer_be_edited()
    {
        var room = StartRoom("deletes");
        var (alice, _) = Join(room, "deletes", "alice");
        Post(room, "deletes", alice, "alice", "m1", "oops");
        Post(room, "deletes", alice, "alice", "m2", "fine");
        var (bob, _) = Join(room, "deletes", "bob");
        ExpectFrame(alice, "presence");

        Change(room, alice, new ChangeMessage("deletes", "alice", "d1", 1, ChangeKind.Delete, ""));
        var deleted = ExpectFrame(bob, "deleted");
        Assert.Equal((1L, 3L), (deleted.GetProperty("seq").GetInt64(), deleted.GetProperty("rev").GetInt64()));

        var refused = Change(room, alice, new ChangeMessage("deletes", "alice", "e1", 1, ChangeKind.Edit, "back"), "error");
        Assert.Equal("not_found", refused.GetProperty("code").GetString());
        // Deleting again changes nothing, and says so with the revision that deleted it.
        Assert.Equal(3L, Change(room, alice, new ChangeMessage("deletes", "alice", "d1b", 1, ChangeKind.Delete, "")).GetProperty("rev").GetInt64());
        bob.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        var (_, joined) = Join(room, "deletes", "carol");
        var placeholder = MessageAt(joined, 1);
        Assert.True(placeholder.GetProperty("deleted").GetBoolean());
        Assert.Equal("", placeholder.GetProperty("text").GetString());
        Assert.Equal("fine", MessageAt(joined, 2).GetProperty("text").GetString());
    }

    [Fact]
    public void Reactions_are_counted_per_emoji_once_per_user_and_bounded()
    {
        var room = StartRoom("reactions");
        var (alice, _) = Join(room, "reactions", "alice");
        Post(room, "reactions", alice, "alice", "m1", "lunch?");
        var (bob, _) = Join(room, "reactions", "bob");
        ExpectFrame(alice, "presence");

        Change(room, bob, new ChangeMessage("reactions", "bob", "r1", 1, ChangeKind.React, "👍"));
        var reaction = ExpectFrame(alice, "reaction");
        Assert.Equal(("bob", "👍", "add", 1), (reaction.GetProperty("user").GetString(), reaction.GetProperty("emoji").GetString(),
            reaction.GetProperty("op").GetString(), reaction.GetProperty("count").GetInt32()));
        // The same reaction again is acked and changes nothing.
        Change(room, bob, new ChangeMessage("reactions", "bob", "r2", 1, ChangeKind.React, "👍"));
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Change(room, alice, new ChangeMessage("reactions", "alice", "r3", 1, ChangeKind.React, "👍"));
        Assert.Equal(2, ExpectFrame(bob, "reaction").GetProperty("count").GetInt32());

        // Ten reactions per user per message: bob has one, nine more fit, the eleventh is refused.
        string[] emoji = ["😀", "😂", "🎉", "❤️", "🔥", "👀", "🙏", "✅", "🚀", "🤔", "🍕"];
        for (var i = 0; i < 9; i++)
            Change(room, bob, new ChangeMessage("reactions", "bob", $"b{i}", 1, ChangeKind.React, emoji[i]));
        var refused = Change(room, bob, new ChangeMessage("reactions", "bob", "b9", 1, ChangeKind.React, emoji[9]), "error");
        Assert.Equal("limit_reached", refused.GetProperty("code").GetString());

        Change(room, bob, new ChangeMessage("reactions", "bob", "u1", 1, ChangeKind.Unreact, "👍"));
        var (_, joined) = Join(room, "reactions", "carol");
        var reactions = MessageAt(joined, 1).GetProperty("reactions").EnumerateArray().ToList();
        Assert.Equal(10, reactions.Count);
        Assert.Equal(("👍", 1), (reactions[0].GetProperty("emoji").GetString(), reactions[0].GetProperty("count").GetInt32()));
        Assert.Equal(["alice"], reactions[0].GetProperty("users").EnumerateArray().Select(u => u.GetString()));
    }

    [Fact]
    public void A_message_takes_at_most_twenty_different_emoji()
    {
        var room = StartRoom("emoji");
        var (alice, _) = Join(room, "emoji", "alice");
        Post(room, "emoji", alice, "alice", "m1", "vote");
        // Twenty users, one distinct emoji each: the room's limit, then one more is refused.
        for (var i = 0; i < 20; i++)
            Change(room, alice, new ChangeMessage("emoji", "alice", $"x{i}", 1, ChangeKind.React, char.ConvertFromUtf32(0x1F600 + i)) with { User = $"user{i}", Id = $"x{i}" });
        var refused = Change(room, alice, new ChangeMessage("emoji", "user20", "x20", 1, ChangeKind.React, "🦄"), "error");
        Assert.Equal("limit_reached", refused.GetProperty("code").GetString());
        // An emoji already there still takes more users.
        Change(room, alice, new ChangeMessage("emoji", "user20", "x21", 1, ChangeKind.React, "😀"));
    }

    [Fact]
    public void A_retried_change_is_acked_again_and_applied_once()
    {
        var room = StartRoom("retries");
        var (alice, _) = Join(room, "retries", "alice");
        Post(room, "retries", alice, "alice", "m1", "a");
        var (bob, _) = Join(room, "retries", "bob");
        ExpectFrame(alice, "presence");

        var first = Change(room, bob, new ChangeMessage("retries", "bob", "r1", 1, ChangeKind.React, "🎉"));
        ExpectFrame(alice, "reaction");
        Change(room, bob, new ChangeMessage("retries", "bob", "u1", 1, ChangeKind.Unreact, "🎉"));
        ExpectFrame(alice, "reaction");
        var again = Change(room, bob, new ChangeMessage("retries", "bob", "r1", 1, ChangeKind.React, "🎉"));

        Assert.Equal(first.GetProperty("rev").GetInt64(), again.GetProperty("rev").GetInt64());
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        var (_, joined) = Join(room, "retries", "carol");
        Assert.False(MessageAt(joined, 1).TryGetProperty("reactions", out _));
    }

    [Fact]
    public void A_change_to_a_message_that_does_not_exist_is_not_found()
    {
        var room = StartRoom("missing");
        var (alice, _) = Join(room, "missing", "alice");
        Post(room, "missing", alice, "alice", "m1", "a");

        var refused = Change(room, alice, new ChangeMessage("missing", "alice", "e9", 9, ChangeKind.Edit, "b"), "error");

        Assert.Equal(("not_found", "e9"), (refused.GetProperty("code").GetString(), refused.GetProperty("ref").GetString()));
    }

    [Fact]
    public void A_resume_by_revision_brings_every_event_since_in_order_and_starts_over_when_it_reaches_too_far_back()
    {
        var room = StartRoom("resume-rev", Short);
        var (alice, _) = Join(room, "resume-rev", "alice");
        Post(room, "resume-rev", alice, "alice", "m1", "first");
        Post(room, "resume-rev", alice, "alice", "m2", "second");
        var (bob, joined) = Join(room, "resume-rev", "bob");
        ExpectFrame(alice, "presence");
        var rev = joined.GetProperty("rev").GetInt64();
        room.Tell(new Leave("resume-rev", "bob"), bob.Ref);
        ExpectFrame(bob, "left");
        ExpectFrame(alice, "presence");

        // While bob is away: an edit, a reaction, a delete and a new message.
        Change(room, alice, new ChangeMessage("resume-rev", "alice", "e1", 1, ChangeKind.Edit, "first!"));
        Change(room, alice, new ChangeMessage("resume-rev", "alice", "r1", 2, ChangeKind.React, "👍"));
        Change(room, alice, new ChangeMessage("resume-rev", "alice", "d1", 2, ChangeKind.Delete, ""));
        Post(room, "resume-rev", alice, "alice", "m3", "third");

        var back = CreateTestProbe();
        room.Tell(new Join("resume-rev", "bob", null, HubFor("resume-rev"), Rev: rev), back.Ref);
        var resumed = Json(back.ExpectMsg<ActorChat.Connections.JoinedRoom>().Frame);
        ExpectFrame(alice, "presence");

        var events = resumed.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["edited", "reaction", "deleted", "message"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(Enumerable.Range((int)rev + 1, 4).Select(r => (long)r), events.Select(e => e.GetProperty("rev").GetInt64()));
        Assert.Empty(resumed.GetProperty("messages").EnumerateArray());
        Assert.Equal(rev + 4, resumed.GetProperty("rev").GetInt64());
        Assert.False(resumed.TryGetProperty("reset", out _));

        // Sixty more messages: more events than the room keeps for resumes. Bob starts over from the latest page.
        for (var i = 4; i <= 63; i++)
            Post(room, "resume-rev", alice, "alice", $"m{i}", $"text {i}");
        var late = CreateTestProbe();
        room.Tell(new Join("resume-rev", "bob", null, HubFor("resume-rev"), Rev: rev), late.Ref);
        var reset = Json(late.ExpectMsg<ActorChat.Connections.JoinedRoom>().Frame);
        Assert.True(reset.GetProperty("reset").GetBoolean());
        Assert.Equal(Enumerable.Range(14, 50).Select(s => (long)s), Seqs(reset.GetProperty("messages")));
    }
}
