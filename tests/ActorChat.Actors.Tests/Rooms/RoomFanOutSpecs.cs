using ActorChat.Connections;
using ActorChat.Rooms;

namespace ActorChat.Tests.Rooms;

public sealed class RoomFanOutSpecs : ChatSpec
{
    [Fact]
    public void A_message_reaches_every_other_member_and_the_sender_gets_only_an_ack()
    {
        var room = StartRoom("lobby");
        var (alice, _) = Join(room, "lobby", "alice");
        var (bob, _) = Join(room, "lobby", "bob");
        var (carol, _) = Join(room, "lobby", "carol");
        alice.ExpectMsg<Deliver>(); alice.ExpectMsg<Deliver>(); // presence of bob, carol
        bob.ExpectMsg<Deliver>(); // presence of carol

        room.Tell(new Post("lobby", "alice", "m1", "hello"), alice.Ref);

        var ack = ExpectFrame(alice, "ack");
        Assert.Equal("m1", ack.GetProperty("id").GetString());
        Assert.Equal(1, ack.GetProperty("seq").GetInt64());
        foreach (var other in new[] { bob, carol })
        {
            var message = ExpectFrame(other, "message");
            Assert.Equal("hello", message.GetProperty("text").GetString());
            Assert.Equal("alice", message.GetProperty("from").GetString());
            Assert.Equal(1, message.GetProperty("seq").GetInt64());
        }
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void The_senders_other_connection_receives_the_message()
    {
        var room = StartRoom("tabs");
        var (laptop, _) = Join(room, "tabs", "alice");
        var (phone, _) = Join(room, "tabs", "alice");

        room.Tell(new Post("tabs", "alice", "m1", "from the laptop"), laptop.Ref);

        ExpectFrame(laptop, "ack");
        Assert.Equal("from the laptop", ExpectFrame(phone, "message").GetProperty("text").GetString());
        laptop.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Messages_are_numbered_in_order_without_gaps_even_when_sent_faster_than_they_are_stored()
    {
        var room = StartRoom("busy");
        var (alice, _) = Join(room, "busy", "alice");
        var (bob, _) = Join(room, "busy", "bob");
        alice.ExpectMsg<Deliver>();

        for (var i = 1; i <= 200; i++)
            room.Tell(new Post("busy", i % 2 == 0 ? "alice" : "bob", $"m{i}", $"text {i}"), i % 2 == 0 ? alice.Ref : bob.Ref);

        // Each connection sees every seq once, in order: its own as acks, the others' as messages.
        foreach (var connection in new[] { alice, bob })
        {
            var seqs = Enumerable.Range(0, 200).Select(_ => NextFrame(connection).GetProperty("seq").GetInt64()).ToList();
            Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), seqs);
        }
    }

    [Fact]
    public void A_repeated_send_with_the_same_id_is_stored_once_and_answered_with_the_first_ack()
    {
        var room = StartRoom("retry");
        var (alice, _) = Join(room, "retry", "alice");
        var (bob, _) = Join(room, "retry", "bob");
        alice.ExpectMsg<Deliver>();

        room.Tell(new Post("retry", "alice", "same-id", "once"), alice.Ref);
        var first = ExpectFrame(alice, "ack");
        room.Tell(new Post("retry", "alice", "same-id", "once"), alice.Ref);
        var second = ExpectFrame(alice, "ack");

        Assert.Equal(first.GetProperty("seq").GetInt64(), second.GetProperty("seq").GetInt64());
        Assert.Equal(first.GetProperty("ts").GetString(), second.GetProperty("ts").GetString());
        ExpectFrame(bob, "message");
        bob.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_retry_from_a_new_connection_before_the_first_write_finishes_gets_the_same_ack_and_no_copy()
    {
        var room = StartRoom("race");
        var (old, _) = Join(room, "race", "alice");
        var (reconnected, _) = Join(room, "race", "alice");

        room.Tell(new Post("race", "alice", "x", "hi"), old.Ref);
        room.Tell(new Post("race", "alice", "x", "hi"), reconnected.Ref);

        Assert.Equal(1, ExpectFrame(old, "ack").GetProperty("seq").GetInt64());
        Assert.Equal(1, ExpectFrame(reconnected, "ack").GetProperty("seq").GetInt64());
        old.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        reconnected.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void The_same_id_from_two_different_users_is_two_messages()
    {
        var room = StartRoom("ids");
        var (alice, _) = Join(room, "ids", "alice");
        var (bob, _) = Join(room, "ids", "bob");
        alice.ExpectMsg<Deliver>();

        room.Tell(new Post("ids", "alice", "1", "from alice"), alice.Ref);
        ExpectFrame(alice, "ack");
        ExpectFrame(bob, "message");
        room.Tell(new Post("ids", "bob", "1", "from bob"), bob.Ref);

        Assert.Equal(2, ExpectFrame(bob, "ack").GetProperty("seq").GetInt64());
        Assert.Equal("from bob", ExpectFrame(alice, "message").GetProperty("text").GetString());
    }

    [Fact]
    public void A_post_from_a_connection_the_room_does_not_know_is_told_to_join_again()
    {
        var room = StartRoom("closed");
        var stranger = CreateTestProbe();

        room.Tell(new Post("closed", "eve", "m1", "sneaky"), stranger.Ref);

        Assert.Equal(new NotMember("closed", "m1"), stranger.ExpectMsg<NotMember>(ColdStartDeadline));
        var (alice, joined) = Join(room, "closed", "alice");
        Assert.Equal(0, joined.GetProperty("seq").GetInt64());
    }

    [Fact]
    public void A_rejoin_naming_a_send_that_was_stored_gets_its_ack_first_and_a_replay_without_it()
    {
        var room = StartRoom("resume-own");
        var (bob, _) = Join(room, "resume-own", "bob");
        var (alice, _) = Join(room, "resume-own", "alice");
        ExpectFrame(bob, "presence");
        room.Tell(new Post("resume-own", "bob", "b1", "before"), bob.Ref);
        ExpectFrame(bob, "ack");
        ExpectFrame(alice, "message");
        room.Tell(new Post("resume-own", "alice", "a1", "stored, ack lost"), alice.Ref);
        ExpectFrame(alice, "ack");
        room.Tell(new Post("resume-own", "bob", "b2", "after"), bob.Ref);
        ExpectFrame(bob, "message");
        ExpectFrame(bob, "ack");

        var rejoined = CreateTestProbe();
        room.Tell(new Join("resume-own", "alice", 1, HubFor("resume-own"), ["a1", "never-sent"]), rejoined.Ref);

        var ack = rejoined.ExpectMsg<Acked>();
        Assert.Equal(("a1", 2L), (ack.Id, ack.Seq));
        var replay = Json(rejoined.ExpectMsg<JoinedRoom>().Frame);
        Assert.Equal([3L], Seqs(replay.GetProperty("messages")));
    }

    [Fact]
    public void Typing_is_relayed_to_other_users_only()
    {
        var room = StartRoom("typing");
        var (alice, _) = Join(room, "typing", "alice");
        var (aliceTab, _) = Join(room, "typing", "alice");
        var (bob, _) = Join(room, "typing", "bob");
        alice.ExpectMsg<Deliver>(); aliceTab.ExpectMsg<Deliver>();

        room.Tell(new Typing("typing", "alice"), alice.Ref);

        Assert.Equal("alice", ExpectFrame(bob, "typing").GetProperty("user").GetString());
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        aliceTab.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
    [Fact]
    public void A_users_typing_is_relayed_once_per_interval_however_often_it_comes_and_others_typing_still_is()
    {
        var room = StartRoom("keystrokes", new RoomSettings { ReplayLimit = 100, DedupWindow = 200, TypingInterval = TimeSpan.FromMinutes(5) });
        var (alice, _) = Join(room, "keystrokes", "alice");
        var (bob, _) = Join(room, "keystrokes", "bob");
        var (carol, _) = Join(room, "keystrokes", "carol");
        alice.ExpectMsg<Deliver>(); alice.ExpectMsg<Deliver>(); bob.ExpectMsg<Deliver>();

        for (var i = 0; i < 20; i++)
            room.Tell(new Typing("keystrokes", "alice"), alice.Ref);
        room.Tell(new Typing("keystrokes", "bob"), bob.Ref);

        Assert.Equal("alice", ExpectFrame(carol, "typing").GetProperty("user").GetString());
        Assert.Equal("bob", ExpectFrame(carol, "typing").GetProperty("user").GetString());
        carol.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_members_new_profile_reaches_everyone_else_present_at_once()
    {
        var room = StartRoom("salon");
        var (alice, _) = Join(room, "salon", "alice");
        var (bob, _) = Join(room, "salon", "bob");
        alice.ExpectMsg<Deliver>(); // presence of bob

        var (carol, _) = Join(room, "salon", "carol");
        alice.ExpectMsg<Deliver>(); // presence of carol
        bob.ExpectMsg<Deliver>();

        room.Tell(new ShareProfile("salon", new ActorChat.Accounts.UserProfile("Alice", "Alice Liddell", "curious", null, 4)), TestActor);

        // Alice's own devices hear it from her account, not once more from each of her rooms.
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        foreach (var member in new[] { bob, carol })
        {
            var profile = ExpectFrame(member, "profile");
            Assert.Equal("Alice", profile.GetProperty("user").GetString());
            Assert.Equal("Alice Liddell", profile.GetProperty("name").GetString());
            Assert.Equal("curious", profile.GetProperty("status").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, profile.GetProperty("avatar").ValueKind);
            Assert.Equal(4, profile.GetProperty("rev").GetInt64());
        }
    }
}
