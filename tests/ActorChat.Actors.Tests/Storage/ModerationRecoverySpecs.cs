using ActorChat.Connections;
using ActorChat.Rooms;
using ActorChat.Tests.Accounts;
using ActorChat.Tests.Rooms;

namespace ActorChat.Tests.Storage;

/// <summary>A room's moderation on the storage the server ships with: it holds after the room restarts.</summary>
public sealed class ModerationRecoverySpecs() : SqliteChatSpec(new Database())
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void Roles_bans_mutes_and_slow_mode_hold_after_the_room_restarts_from_its_journal_or_a_snapshot()
    {
        foreach (var (name, settings) in new[] { ("replayed", Settings), ("snapshotted", new RoomSettings { ReplayLimit = 100, DedupWindow = 200, SnapshotEvery = 2 }) })
        {
            var room = Sys.ActorOf(RoomActor.PropsFor(name, settings, AccountsThatAllowInvitations, _clock));
            var alice = CreatePublic(room, name, "alice");
            foreach (var (command, i) in new[]
                     {
                         ModerationSpecs.Do(name, "alice", "1", ModerationAction.Role, "bob", "moderator"),
                         ModerationSpecs.Do(name, "alice", "2", ModerationAction.Ban, "spammer"),
                         ModerationSpecs.Do(name, "alice", "3", ModerationAction.Mute, "loud", until: _clock.GetUtcNow().AddHours(1)),
                         ModerationSpecs.Do(name, "alice", "4", ModerationAction.SlowMode, seconds: 60),
                     }.Select((command, i) => (command, i)))
            {
                room.Tell(command, alice.Ref);
                ExpectFrame(alice, "ack");
            }
            // A spammer's message a moderator removes, then enough posts for a snapshot to be due in the second room.
            var (early, _) = Join(room, name, "early");
            room.Tell(new Post(name, "early", "e1", "cheap watches"), early.Ref);
            ExpectFrame(early, "ack");
            room.Tell(new ChangeMessage(name, "alice", "d1", 1, ChangeKind.Delete, ""), alice.Ref);
            alice.FishForMessage(m => m is Acked || (m is Deliver d && Json(d.Frame).GetProperty("type").GetString() == "ack"));
            room.Tell(new Post(name, "alice", "p1", "rules are up"), alice.Ref);
            alice.FishForMessage(m => m is Acked);
            Watch(room);
            Sys.Stop(room);
            ExpectTerminated(room);

            var again = Sys.ActorOf(RoomActor.PropsFor(name, settings, AccountsThatAllowInvitations, _clock));
            Assert.Equal("forbidden", TryJoin(again, name, "spammer").Code);
            var (_, rejoined) = Join(again, name, "reader");
            var removed = rejoined.GetProperty("messages")[0];
            Assert.Equal((1L, true, true), (removed.GetProperty("seq").GetInt64(), removed.GetProperty("deleted").GetBoolean(), removed.GetProperty("moderated").GetBoolean()));
            var (loud, _) = Join(again, name, "loud");
            again.Tell(new Post(name, "loud", "l1", "hello?"), loud.Ref);
            Assert.Equal("forbidden", Json(loud.ExpectMsg<SendRefused>().Frame).GetProperty("code").GetString());
            var (carol, _) = Join(again, name, "carol");
            again.Tell(new Post(name, "carol", "c1", "one"), carol.Ref);
            ExpectFrame(carol, "ack");
            again.Tell(new Post(name, "carol", "c2", "two"), carol.Ref);
            Assert.Equal("rate_limited", Json(carol.ExpectMsg<SendRefused>().Frame).GetProperty("code").GetString());
            // Bob is still a moderator: he mutes carol.
            var (bob, _) = Join(again, name, "bob");
            again.Tell(ModerationSpecs.Do(name, "bob", "b1", ModerationAction.Mute, "carol", until: _clock.GetUtcNow().AddMinutes(1)), bob.Ref);
            ExpectFrame(bob, "ack");

            // A retry of a stored moderation is acked again, not stored twice.
            again.Tell(ModerationSpecs.Do(name, "bob", "b1", ModerationAction.Mute, "carol", until: _clock.GetUtcNow().AddMinutes(1)), bob.Ref);
            var first = ExpectFrame(bob, "ack");
            Assert.Equal("b1", first.GetProperty("id").GetString());
            Watch(again);
            Sys.Stop(again);
            ExpectTerminated(again);
        }
    }

    [Fact]
    public void A_moderation_retried_after_the_room_restarted_from_a_snapshot_is_acked_with_its_first_revision_not_applied_again()
    {
        var settings = new RoomSettings { ReplayLimit = 100, DedupWindow = 200, SnapshotEvery = 2 };
        var room = Sys.ActorOf(RoomActor.PropsFor("hall", settings, AccountsThatAllowInvitations, _clock));
        var alice = CreatePublic(room, "hall", "alice");
        room.Tell(ModerationSpecs.Do("hall", "alice", "m1", ModerationAction.Kick, "spammer", reason: "spam"), alice.Ref);
        var kicked = ExpectFrame(alice, "ack").GetProperty("rev").GetInt64();
        room.Tell(ModerationSpecs.Do("hall", "alice", "m2", ModerationAction.Ban, "spammer", reason: "spam again"), alice.Ref);
        var banned = ExpectFrame(alice, "ack").GetProperty("rev").GetInt64();
        // A snapshot is taken after a post: the two before it are not replayed on recovery, the mute after it is.
        room.Tell(new Post("hall", "alice", "p1", "rules are up"), alice.Ref);
        ExpectFrame(alice, "ack");
        room.Tell(ModerationSpecs.Do("hall", "alice", "m3", ModerationAction.Mute, "loud", until: _clock.GetUtcNow().AddHours(1)), alice.Ref);
        var muted = ExpectFrame(alice, "ack").GetProperty("rev").GetInt64();
        Watch(room);
        Sys.Stop(room);
        ExpectTerminated(room);

        var again = Sys.ActorOf(RoomActor.PropsFor("hall", settings, AccountsThatAllowInvitations, _clock));
        var (owner, joined) = Join(again, "hall", "alice");
        var rev = joined.GetProperty("rev").GetInt64();
        foreach (var (id, action, member, first) in new[] { ("m1", ModerationAction.Kick, "spammer", kicked), ("m2", ModerationAction.Ban, "spammer", banned), ("m3", ModerationAction.Mute, "loud", muted) })
        {
            again.Tell(ModerationSpecs.Do("hall", "alice", id, action, member, reason: "spam", until: action == ModerationAction.Mute ? _clock.GetUtcNow().AddHours(1) : null), owner.Ref);
            var ack = ExpectFrame(owner, "ack");
            Assert.Equal((id, first), (ack.GetProperty("id").GetString(), ack.GetProperty("rev").GetInt64()));
        }
        var (_, later) = Join(again, "hall", "bob");
        Assert.Equal(rev, later.GetProperty("rev").GetInt64());
    }
}
