using ActorChat.Connections;
using ActorChat.Rooms;
using ActorChat.Tests.Accounts;
using Akka.Actor;
using Akka.TestKit;

namespace ActorChat.Tests.Rooms;

/// <summary>
/// Roles, kicks, bans, mutes, slow mode and moderators' deletes: who may do them, what the room stores, what every
/// member sees, and that they hold after the room restarts.
/// </summary>
public sealed class ModerationSpecs : ChatSpec
{
    private readonly ManualClock _clock = new();

    private IActorRef StartModeratedRoom(string room, RoomSettings? settings = null) =>
        Sys.ActorOf(RoomActor.PropsFor(room, settings ?? Settings, AccountsThatAllowInvitations, _clock));

    internal static Moderate Do(string room, string user, string id, ModerationAction action, string member = "", string? role = null,
        DateTimeOffset? until = null, string reason = "", int seconds = 0) =>
        new(room, user, id, action, member, role, until, reason, seconds);

    private static string ErrorCode(TestProbe connection) => ExpectFrame(connection, "error").GetProperty("code").GetString()!;

    [Fact]
    public void The_creator_owns_the_room_appoints_moderators_and_only_owners_give_roles()
    {
        var room = StartModeratedRoom("town");
        var alice = CreatePublic(room, "town", "alice");
        var (bob, _) = Join(room, "town", "bob");
        ExpectFrame(alice, "presence");

        room.Tell(Do("town", "alice", "m1", ModerationAction.Role, "bob", "moderator"), alice.Ref);
        var ack = ExpectFrame(alice, "ack");
        Assert.Equal("m1", ack.GetProperty("id").GetString());
        var role = ExpectFrame(bob, "moderation");
        Assert.Equal(("role", "bob", "moderator", ack.GetProperty("rev").GetInt64()),
            (role.GetProperty("action").GetString(), role.GetProperty("user").GetString(), role.GetProperty("role").GetString(), role.GetProperty("rev").GetInt64()));
        // Who did it is for the moderation log, not for every member.
        Assert.False(role.TryGetProperty("by", out _));

        // A moderator moderates, but gives no roles.
        room.Tell(Do("town", "bob", "m2", ModerationAction.Role, "carol", "moderator"), bob.Ref);
        Assert.Equal("forbidden", ErrorCode(bob));

        // The last owner cannot step down; with a second owner they can.
        room.Tell(Do("town", "alice", "m3", ModerationAction.Role, "alice", "member"), alice.Ref);
        Assert.Equal("conflict", ErrorCode(alice));
        room.Tell(Do("town", "alice", "m4", ModerationAction.Role, "bob", "owner"), alice.Ref);
        ExpectFrame(alice, "ack");
        ExpectFrame(bob, "moderation");
        room.Tell(Do("town", "alice", "m5", ModerationAction.Role, "alice", "member"), alice.Ref);
        ExpectFrame(alice, "ack");
        Assert.Equal("member", ExpectFrame(bob, "moderation").GetProperty("role").GetString());

        // A joiner learns their own role, who moderates, and the room's terms.
        room.Tell(Do("town", "bob", "m6", ModerationAction.Role, "carol", "moderator"), bob.Ref);
        ExpectFrame(bob, "ack");
        room.Tell(Do("town", "bob", "m7", ModerationAction.SlowMode, seconds: 10), bob.Ref);
        ExpectFrame(bob, "ack");
        var (_, joined) = Join(room, "town", "carol");
        Assert.Equal(("moderator", 10), (joined.GetProperty("role").GetString(), joined.GetProperty("slowmode").GetInt32()));
        Assert.Equal([("bob", "owner"), ("carol", "moderator")],
            joined.GetProperty("staff").EnumerateArray().Select(s => (s.GetProperty("user").GetString(), s.GetProperty("role").GetString())));
    }

    [Fact]
    public void A_kicked_members_connections_all_leave_at_once_and_they_may_join_again()
    {
        var room = StartModeratedRoom("square");
        var alice = CreatePublic(room, "square", "alice");
        var (laptop, _) = Join(room, "square", "spammer");
        var (phone, _) = Join(room, "square", "spammer");
        ExpectFrame(alice, "presence");

        room.Tell(Do("square", "alice", "k1", ModerationAction.Kick, "spammer", reason: "flooding"), alice.Ref);
        ExpectFrame(alice, "ack");
        foreach (var device in new[] { laptop, phone })
        {
            Assert.Equal("kick", ExpectFrame(device, "moderation").GetProperty("action").GetString());
            var left = device.ExpectMsg<LeftRoom>();
            Assert.True(left.Removed);
            var frame = Json(left.Frame);
            Assert.Equal(("kicked", "flooding"), (frame.GetProperty("reason").GetString(), frame.GetProperty("note").GetString()));
        }
        Assert.Equal("leave", ExpectFrame(alice, "presence").GetProperty("event").GetString());

        // Out, not barred.
        Join(room, "square", "spammer");
    }

    [Fact]
    public void A_ban_keeps_the_member_out_until_it_ends_or_is_lifted()
    {
        var room = StartModeratedRoom("hall");
        var alice = CreatePublic(room, "hall", "alice");
        var (spammer, _) = Join(room, "hall", "spammer");
        ExpectFrame(alice, "presence");

        var end = _clock.GetUtcNow().AddHours(1);
        room.Tell(Do("hall", "alice", "b1", ModerationAction.Ban, "spammer", until: end, reason: "spam links"), alice.Ref);
        ExpectFrame(alice, "ack");
        Assert.Equal("leave", ExpectFrame(alice, "presence").GetProperty("event").GetString());
        Assert.Equal("ban", ExpectFrame(spammer, "moderation").GetProperty("action").GetString());
        var left = Json(spammer.ExpectMsg<LeftRoom>().Frame);
        Assert.Equal(("banned", "spam links"), (left.GetProperty("reason").GetString(), left.GetProperty("note").GetString()));
        Assert.True(left.TryGetProperty("until", out _));

        var refused = TryJoin(room, "hall", "SPAMMER");
        Assert.Equal("forbidden", refused.Code);
        Assert.Contains("banned", refused.Message, StringComparison.Ordinal);

        // It runs out by itself...
        _clock.Advance(TimeSpan.FromHours(2));
        Join(room, "hall", "spammer");
        ExpectFrame(alice, "presence");

        // ...or is lifted; a ban without end holds until then.
        room.Tell(Do("hall", "alice", "b2", ModerationAction.Ban, "troll"), alice.Ref);
        ExpectFrame(alice, "ack");
        Assert.Equal("forbidden", TryJoin(room, "hall", "troll").Code);
        room.Tell(Do("hall", "alice", "b3", ModerationAction.Unban, "troll"), alice.Ref);
        ExpectFrame(alice, "ack");
        Join(room, "hall", "troll");
    }

    [Fact]
    public void A_muted_member_reads_but_neither_sends_nor_reacts_until_the_mute_ends()
    {
        var room = StartModeratedRoom("forum");
        var alice = CreatePublic(room, "forum", "alice");
        var (loud, _) = Join(room, "forum", "loud");
        ExpectFrame(alice, "presence");
        room.Tell(new Post("forum", "alice", "a1", "welcome"), alice.Ref);
        ExpectFrame(alice, "ack");
        ExpectFrame(loud, "message");

        room.Tell(Do("forum", "alice", "u1", ModerationAction.Mute, "loud", until: _clock.GetUtcNow().AddMinutes(10)), alice.Ref);
        ExpectFrame(alice, "ack");
        Assert.Equal("mute", ExpectFrame(loud, "moderation").GetProperty("action").GetString());

        // The refusal is final: the connection stops waiting for an ack and the client hears why.
        room.Tell(new Post("forum", "loud", "l1", "LOUD"), loud.Ref);
        var refused = loud.ExpectMsg<SendRefused>();
        Assert.Equal(("forum", "l1", "forbidden"), (refused.Room, refused.Id, Json(refused.Frame).GetProperty("code").GetString()));
        room.Tell(new ChangeMessage("forum", "loud", "l2", 1, ChangeKind.React, "👎"), loud.Ref);
        Assert.Equal("forbidden", ErrorCode(loud));
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Still reading.
        room.Tell(new Post("forum", "alice", "a2", "still here?"), alice.Ref);
        ExpectFrame(alice, "ack");
        ExpectFrame(loud, "message");

        _clock.Advance(TimeSpan.FromMinutes(11));
        room.Tell(new Post("forum", "loud", "l3", "quiet now"), loud.Ref);
        ExpectFrame(loud, "ack");
    }

    [Fact]
    public void Slow_mode_lets_a_member_post_once_per_interval_and_moderators_are_not_held_to_it()
    {
        var room = StartModeratedRoom("lobby");
        var alice = CreatePublic(room, "lobby", "alice");
        var (bob, _) = Join(room, "lobby", "bob");
        ExpectFrame(alice, "presence");

        room.Tell(Do("lobby", "alice", "s1", ModerationAction.SlowMode, seconds: 30), alice.Ref);
        ExpectFrame(alice, "ack");
        Assert.Equal(30, ExpectFrame(bob, "moderation").GetProperty("seconds").GetInt32());

        room.Tell(new Post("lobby", "bob", "b1", "first"), bob.Ref);
        ExpectFrame(bob, "ack");
        ExpectFrame(alice, "message");
        room.Tell(new Post("lobby", "bob", "b2", "second"), bob.Ref);
        Assert.Equal("rate_limited", Json(bob.ExpectMsg<SendRefused>().Frame).GetProperty("code").GetString());
        // A retry of what was stored is still acked.
        room.Tell(new Post("lobby", "bob", "b1", "first"), bob.Ref);
        ExpectFrame(bob, "ack");

        // The owner posts as often as she likes.
        room.Tell(new Post("lobby", "alice", "a1", "one"), alice.Ref);
        ExpectFrame(alice, "ack");
        room.Tell(new Post("lobby", "alice", "a2", "two"), alice.Ref);
        ExpectFrame(alice, "ack");

        _clock.Advance(TimeSpan.FromSeconds(31));
        ExpectFrame(bob, "message");
        ExpectFrame(bob, "message");
        room.Tell(new Post("lobby", "bob", "b3", "third"), bob.Ref);
        ExpectFrame(bob, "ack");
    }

    [Fact]
    public void Members_do_not_moderate_and_moderators_do_not_act_on_owners_or_each_other()
    {
        var room = StartModeratedRoom("club");
        var alice = CreatePublic(room, "club", "alice");
        var (bob, _) = Join(room, "club", "bob");
        var (carol, _) = Join(room, "club", "carol");
        var (dave, _) = Join(room, "club", "dave");
        foreach (var (probe, joinsAfter) in new[] { (alice, 3), (bob, 2), (carol, 1) })
        {
            for (var i = 0; i < joinsAfter; i++)
                ExpectFrame(probe, "presence");
        }
        foreach (var (member, id) in new[] { ("bob", "m1"), ("carol", "m2") })
        {
            room.Tell(Do("club", "alice", id, ModerationAction.Role, member, "moderator"), alice.Ref);
            ExpectFrame(alice, "ack");
            foreach (var probe in new[] { bob, carol, dave })
                ExpectFrame(probe, "moderation");
        }

        room.Tell(Do("club", "dave", "d1", ModerationAction.Kick, "bob"), dave.Ref);
        Assert.Equal("forbidden", ErrorCode(dave));
        room.Tell(Do("club", "dave", "d2", ModerationAction.SlowMode, seconds: 5), dave.Ref);
        Assert.Equal("forbidden", ErrorCode(dave));
        room.Tell(Do("club", "bob", "b1", ModerationAction.Ban, "carol"), bob.Ref);
        Assert.Equal("forbidden", ErrorCode(bob));
        room.Tell(Do("club", "bob", "b2", ModerationAction.Mute, "alice", until: _clock.GetUtcNow().AddMinutes(5)), bob.Ref);
        Assert.Equal("forbidden", ErrorCode(bob));
        room.Tell(Do("club", "bob", "b3", ModerationAction.Kick, "bob"), bob.Ref);
        Assert.Equal("forbidden", ErrorCode(bob));
        // A mute needs an end.
        room.Tell(Do("club", "bob", "b4", ModerationAction.Mute, "dave"), bob.Ref);
        Assert.Equal("bad_frame", ErrorCode(bob));
        // Nobody heard of any of it.
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // An administrator of the server may do what an owner may, here too.
        room.Tell(new Moderate("club", "root", "r1", ModerationAction.Kick, "alice", Admin: true), dave.Ref);
        ExpectFrame(dave, "ack");
        Assert.Equal("kick", ExpectFrame(alice, "moderation").GetProperty("action").GetString());
    }

    [Fact]
    public void A_moderator_deletes_anyones_message_and_a_member_only_their_own()
    {
        var room = StartModeratedRoom("board");
        var alice = CreatePublic(room, "board", "alice");
        var (bob, _) = Join(room, "board", "bob");
        var (carol, _) = Join(room, "board", "carol");
        ExpectFrame(alice, "presence");
        ExpectFrame(alice, "presence");
        ExpectFrame(bob, "presence");
        room.Tell(new Post("board", "carol", "c1", "buy cheap watches"), carol.Ref);
        ExpectFrame(carol, "ack");
        ExpectFrame(alice, "message");
        ExpectFrame(bob, "message");

        room.Tell(new ChangeMessage("board", "bob", "x1", 1, ChangeKind.Delete, ""), bob.Ref);
        Assert.Equal("forbidden", ErrorCode(bob));

        room.Tell(new ChangeMessage("board", "alice", "x2", 1, ChangeKind.Delete, ""), alice.Ref);
        ExpectFrame(alice, "ack");
        // Everyone, its sender too, sees it removed by a moderator.
        foreach (var member in new[] { bob, carol })
        {
            var deleted = ExpectFrame(member, "deleted");
            Assert.Equal((1L, true), (deleted.GetProperty("seq").GetInt64(), deleted.GetProperty("moderated").GetBoolean()));
        }
        var (dave, joined) = Join(room, "board", "dave");
        var placeholder = joined.GetProperty("messages")[0];
        Assert.Equal(("", true, true), (placeholder.GetProperty("text").GetString(), placeholder.GetProperty("deleted").GetBoolean(),
            placeholder.GetProperty("moderated").GetBoolean()));

        // A sender deleting their own message is no moderation: plain deleted, and nothing in the log.
        room.Tell(new Post("board", "carol", "c2", "oops"), carol.Ref);
        FishFrame(carol, "ack");
        room.Tell(new ChangeMessage("board", "carol", "x3", 2, ChangeKind.Delete, ""), carol.Ref);
        FishFrame(carol, "ack");
        Assert.False(FishFrame(dave, "deleted").TryGetProperty("moderated", out _));

        room.Tell(new GetModerationLog("board", "alice", null, 10), alice.Ref);
        var entry = Assert.Single(FishFrame(alice, "moderation_log").GetProperty("entries").EnumerateArray());
        Assert.Equal(("delete", "alice", "carol", 1L), (entry.GetProperty("action").GetString(), entry.GetProperty("by").GetString(),
            entry.GetProperty("user").GetString(), entry.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public void Moderators_read_who_did_what_to_whom_and_why_newest_first_and_members_may_not()
    {
        var room = StartModeratedRoom("court");
        var alice = CreatePublic(room, "court", "alice");
        var (bob, _) = Join(room, "court", "bob");
        ExpectFrame(alice, "presence");
        room.Tell(Do("court", "alice", "1", ModerationAction.Role, "mod", "moderator"), alice.Ref);
        room.Tell(Do("court", "alice", "2", ModerationAction.Ban, "spammer", reason: "links"), alice.Ref);
        room.Tell(Do("court", "alice", "3", ModerationAction.SlowMode, seconds: 30), alice.Ref);
        for (var i = 0; i < 3; i++)
        {
            ExpectFrame(alice, "ack");
            ExpectFrame(bob, "moderation");
        }

        room.Tell(new GetModerationLog("court", "mod", null, 2), alice.Ref);
        var page = ExpectFrame(alice, "moderation_log");
        var entries = page.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([("slowmode", "alice"), ("ban", "alice")], entries.Select(e => (e.GetProperty("action").GetString(), e.GetProperty("by").GetString())));
        Assert.Equal(30, entries[0].GetProperty("seconds").GetInt32());
        Assert.Equal(("spammer", "links"), (entries[1].GetProperty("user").GetString(), entries[1].GetProperty("reason").GetString()));

        // The next page: before the oldest revision seen.
        room.Tell(new GetModerationLog("court", "mod", entries[1].GetProperty("rev").GetInt64(), 10), alice.Ref);
        var older = ExpectFrame(alice, "moderation_log").GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([("role", "mod", "moderator")], older.Select(e => (e.GetProperty("action").GetString(), e.GetProperty("user").GetString(), e.GetProperty("role").GetString())));

        room.Tell(new GetModerationLog("court", "bob", null, 10), bob.Ref);
        Assert.Equal("forbidden", ErrorCode(bob));
    }
}
