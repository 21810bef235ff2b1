using ActorChat.Connections;
using ActorChat.Rooms;

namespace ActorChat.Tests.Rooms;

public sealed class RoomMembershipSpecs : ChatSpec
{
    [Fact]
    public void Presence_is_announced_for_a_users_first_connection_and_last_departure_only()
    {
        var room = StartRoom("presence");
        var (bob, _) = Join(room, "presence", "bob");

        var (laptop, _) = Join(room, "presence", "alice");
        var joined = ExpectFrame(bob, "presence");
        Assert.Equal("alice", joined.GetProperty("user").GetString());
        Assert.Equal("join", joined.GetProperty("event").GetString());

        var (phone, phoneJoined) = Join(room, "presence", "alice");
        Assert.Equal(["alice", "bob"], phoneJoined.GetProperty("members").EnumerateArray().Select(m => m.GetString()).Order());
        bob.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        room.Tell(new Leave("presence", "alice"), laptop.Ref);
        ExpectFrame(laptop, "left");
        bob.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        room.Tell(new Leave("presence", "alice"), phone.Ref);
        ExpectFrame(phone, "left");
        var left = ExpectFrame(bob, "presence");
        Assert.Equal("alice", left.GetProperty("user").GetString());
        Assert.Equal("leave", left.GetProperty("event").GetString());
    }

    [Fact]
    public void A_connection_that_dies_leaves_at_once_with_presence()
    {
        var room = StartRoom("crash");
        var (bob, _) = Join(room, "crash", "bob");
        var (alice, _) = Join(room, "crash", "alice");
        ExpectFrame(bob, "presence");

        Sys.Stop(alice.Ref);

        var left = ExpectFrame(bob, "presence");
        Assert.Equal("alice", left.GetProperty("user").GetString());
        Assert.Equal("leave", left.GetProperty("event").GetString());
        room.Tell(new Post("crash", "bob", "m1", "anyone?"), bob.Ref);
        ExpectFrame(bob, "ack");
        bob.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_member_that_left_gets_no_more_messages()
    {
        var room = StartRoom("quiet");
        var (alice, _) = Join(room, "quiet", "alice");
        var (bob, _) = Join(room, "quiet", "bob");
        alice.ExpectMsg<Deliver>();

        room.Tell(new Leave("quiet", "bob"), bob.Ref);
        ExpectFrame(bob, "left");
        room.Tell(new Post("quiet", "alice", "m1", "still there?"), alice.Ref);

        ExpectFrame(alice, "presence");
        ExpectFrame(alice, "ack");
        bob.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Read_markers_are_relayed_and_shown_to_later_joiners()
    {
        var room = StartRoom("reads");
        var (alice, _) = Join(room, "reads", "alice");
        var (bob, _) = Join(room, "reads", "bob");
        alice.ExpectMsg<Deliver>();
        room.Tell(new Post("reads", "alice", "m1", "read me"), alice.Ref);
        ExpectFrame(alice, "ack");
        ExpectFrame(bob, "message");

        room.Tell(new MarkRead("reads", "bob", 1), bob.Ref);

        var read = ExpectFrame(alice, "read");
        Assert.Equal("bob", read.GetProperty("user").GetString());
        Assert.Equal(1, read.GetProperty("seq").GetInt64());
        var carol = CreateTestProbe();
        room.Tell(new Join("reads", "carol", null, HubFor("reads")), carol.Ref);
        var markers = carol.ExpectMsg<JoinedRoom>().Reads!.Select(Json)
            .Select(f => (f.GetProperty("type").GetString(), f.GetProperty("user").GetString(), f.GetProperty("seq").GetInt64()));
        Assert.Equal([("read", "bob", 1L)], markers);
    }

    [Fact]
    public void A_joiner_gets_the_read_markers_of_every_present_user_together_with_its_joined()
    {
        var room = StartRoom("crowd");
        var (writer, _) = Join(room, "crowd", "writer");
        room.Tell(new Post("crowd", "writer", "m1", "everyone reads this"), writer.Ref);
        ExpectFrame(writer, "ack");
        var readers = Enumerable.Range(0, 40).Select(i => $"reader{i}").ToList();
        foreach (var reader in readers)
        {
            var (connection, _) = Join(room, "crowd", reader);
            room.Tell(new MarkRead("crowd", reader, 1), connection.Ref);
        }

        var joiner = CreateTestProbe();
        room.Tell(new Join("crowd", "late", null, HubFor("crowd")), joiner.Ref);

        var markers = joiner.ExpectMsg<JoinedRoom>().Reads!.Select(Json).ToList();
        Assert.All(markers, marker => Assert.Equal(("read", 1L), (marker.GetProperty("type").GetString(), marker.GetProperty("seq").GetInt64())));
        Assert.Equal(readers.Order(), markers.Select(marker => marker.GetProperty("user").GetString()!).Order());
        joiner.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_crowd_is_named_in_joined_only_up_to_the_limit_with_the_joiner_first_and_the_whole_count()
    {
        var room = StartRoom("arena", new RoomSettings { ReplayLimit = 100, DedupWindow = 200, MaxMembersListed = 3 });
        foreach (var user in new[] { "u1", "u2", "u3", "u4", "u5" })
            Join(room, "arena", user);

        var late = CreateTestProbe();
        room.Tell(new Join("arena", "late", null, HubFor("arena")), late.Ref);

        var joined = late.ExpectMsg<JoinedRoom>();
        var frame = Json(joined.Frame);
        var members = frame.GetProperty("members").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Equal(3, members.Count);
        Assert.Equal("late", members[0]);
        Assert.Equal(6, frame.GetProperty("memberCount").GetInt32());
        Assert.True(frame.GetProperty("membersTruncated").GetBoolean());
        var (_, nook) = Join(StartRoom("nook"), "nook", "solo");
        Assert.Equal(1, nook.GetProperty("memberCount").GetInt32());
        Assert.False(nook.TryGetProperty("membersTruncated", out _));
    }

    [Fact]
    public void A_read_marker_never_moves_backwards_or_past_the_latest_message()
    {
        var room = StartRoom("reads2");
        var (alice, _) = Join(room, "reads2", "alice");
        var (bob, _) = Join(room, "reads2", "bob");
        alice.ExpectMsg<Deliver>();

        room.Tell(new MarkRead("reads2", "bob", 99), bob.Ref);
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        room.Tell(new Post("reads2", "alice", "m1", "one"), alice.Ref);
        ExpectFrame(alice, "ack");
        ExpectFrame(bob, "message");
        room.Tell(new MarkRead("reads2", "bob", 99), bob.Ref);
        Assert.Equal(1, ExpectFrame(alice, "read").GetProperty("seq").GetInt64());
        room.Tell(new MarkRead("reads2", "bob", 0), bob.Ref);
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
