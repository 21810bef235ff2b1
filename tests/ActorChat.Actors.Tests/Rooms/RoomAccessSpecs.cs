using ActorChat.Accounts;
using ActorChat.Connections;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.TestKit;

namespace ActorChat.Tests.Rooms;

/// <summary>Private and direct rooms: who the room lets in, and what it does when its owner changes the roster.</summary>
public sealed class RoomAccessSpecs : ChatSpec
{
    private JoinRefused Refused(IActorRef room, Join join)
    {
        var connection = CreateTestProbe();
        room.Tell(join, connection.Ref);
        return connection.ExpectMsg<JoinRefused>(ColdStartDeadline);
    }

    private TestProbe Create(IActorRef room, string roomName, string owner, bool asPrivate)
    {
        var connection = CreateTestProbe();
        room.Tell(new Join(roomName, owner, null, HubFor(roomName), Create: asPrivate), connection.Ref);
        connection.ExpectMsg<JoinedRoom>(ColdStartDeadline);
        return connection;
    }

    [Fact]
    public void A_private_room_refuses_users_off_its_roster_and_admits_those_its_owner_invites()
    {
        var room = StartRoom("vault");
        var owner = Create(room, "vault", "Alice", asPrivate: true);

        Assert.Equal("forbidden", Refused(room, new Join("vault", "mallory", null, HubFor("vault"))).Code);

        room.Tell(new ChangeMembership("vault", "Alice", "Bob", Invite: true), owner.Ref);
        var invited = ExpectFrame(owner, "member");
        // The stand-in accounts answer with the name as asked, in lower case; the joiner's sign-in names them as registered.
        Assert.Equal(("bob", "invited", 2L), (invited.GetProperty("user").GetString(), invited.GetProperty("event").GetString(), invited.GetProperty("rev").GetInt64()));
        var (_, joined) = Join(room, "vault", "Bob");
        Assert.Equal(["Alice", "Bob"], joined.GetProperty("roster").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal("Alice", joined.GetProperty("owner").GetString());
    }

    [Fact]
    public void Roster_owner_and_member_frames_name_users_as_they_registered_whatever_case_the_owner_typed()
    {
        var accounts = CreateTestProbe();
        var room = Sys.ActorOf(RoomActor.PropsFor("atelier", Settings, accounts.Ref));
        var owner = Create(room, "atelier", "Alice", asPrivate: true);

        room.Tell(new ChangeMembership("atelier", "Alice", "BOB", Invite: true), owner.Ref);
        accounts.ExpectMsg<SpendInvitation>();
        accounts.Reply(InvitationAnswer.Allowed);
        accounts.ExpectMsg<CheckInvitation>();
        accounts.Reply(InvitationAnswer.AllowedFor("Bob"));
        var invited = ExpectFrame(owner, "member");
        Assert.Equal(("Bob", "Alice"), (invited.GetProperty("user").GetString(), invited.GetProperty("by").GetString()));
        Assert.Equal(new ListRoom("Bob", "atelier", RoomKind.Private, InvitedBy: "Alice"), accounts.ExpectMsg<ListRoom>());

        // Asked again in another case: already so, and named as registered.
        room.Tell(new ChangeMembership("atelier", "Alice", "bob", Invite: true), owner.Ref);
        Assert.Equal("Bob", ExpectFrame(owner, "member").GetProperty("user").GetString());
        var (_, joined) = Join(room, "atelier", "Bob");
        Assert.Equal(["Alice", "Bob"], joined.GetProperty("roster").EnumerateArray().Select(u => u.GetString()));
        ExpectFrame(owner, "presence");

        room.Tell(new ChangeMembership("atelier", "Alice", "BOB", Invite: false), owner.Ref);
        var removed = ExpectFrame(owner, "member");
        Assert.Equal(("Bob", "removed"), (removed.GetProperty("user").GetString(), removed.GetProperty("event").GetString()));
    }

    [Fact]
    public void A_direct_room_names_its_users_as_their_accounts_registered_them_not_as_its_lower_case_name()
    {
        var accounts = CreateTestProbe();
        accounts.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is GetCredentials get)
                sender.Tell(new AccountCredentials(get.Username == "anna" ? "Anna" : "Boris", "", 0));
            return AutoPilot.KeepRunning;
        }));
        var room = Sys.ActorOf(RoomActor.PropsFor("dm:anna:boris", Settings, accounts.Ref));

        // Its users' accounts are asked when the room starts; a join meanwhile names the joiner as signed in.
        AwaitAssert(() =>
        {
            var (_, joined) = Join(room, "dm:anna:boris", "Anna");
            Assert.Equal(["Anna", "Boris"], joined.GetProperty("roster").EnumerateArray().Select(u => u.GetString()));
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Removing_a_member_dismisses_every_connection_of_theirs_and_keeps_them_out()
    {
        var room = StartRoom("crew");
        var owner = Create(room, "crew", "alice", asPrivate: true);
        room.Tell(new ChangeMembership("crew", "alice", "bob", Invite: true), owner.Ref);
        ExpectFrame(owner, "member");
        var (laptop, _) = Join(room, "crew", "bob");
        var (phone, _) = Join(room, "crew", "bob");
        ExpectFrame(owner, "presence");

        room.Tell(new ChangeMembership("crew", "alice", "bob", Invite: false), owner.Ref);

        foreach (var device in new[] { laptop, phone })
        {
            ExpectFrame(device, "member");
            var left = device.ExpectMsg<LeftRoom>();
            Assert.True(left.Removed);
            Assert.Equal("removed", Json(left.Frame).GetProperty("reason").GetString());
        }
        Assert.Equal("removed", ExpectFrame(owner, "member").GetProperty("event").GetString());
        Assert.Equal("leave", ExpectFrame(owner, "presence").GetProperty("event").GetString());
        Assert.Equal("forbidden", Refused(room, new Join("crew", "bob", 0, HubFor("crew"))).Code);

        // Only an owner changes the roster, and an owner stays on it.
        room.Tell(new ChangeMembership("crew", "alice", "alice", Invite: false), owner.Ref);
        Assert.Equal("forbidden", ExpectFrame(owner, "error").GetProperty("code").GetString());
    }

    [Fact]
    public void Every_owner_of_a_private_room_invites_and_removes_members_but_no_owner_is_removed()
    {
        var room = StartRoom("den");
        var alice = Create(room, "den", "alice", asPrivate: true);
        room.Tell(new ChangeMembership("den", "alice", "bob", Invite: true), alice.Ref);
        ExpectFrame(alice, "member");
        var (bob, _) = Join(room, "den", "bob");
        ExpectFrame(alice, "presence");

        // A member does not change the roster; made an owner, they do.
        room.Tell(new ChangeMembership("den", "bob", "carol", Invite: true), bob.Ref);
        Assert.Equal("forbidden", ExpectFrame(bob, "error").GetProperty("code").GetString());
        room.Tell(ModerationSpecs.Do("den", "alice", "r1", ModerationAction.Role, "bob", "owner"), alice.Ref);
        ExpectFrame(alice, "ack");
        ExpectFrame(bob, "moderation");
        room.Tell(new ChangeMembership("den", "bob", "carol", Invite: true), bob.Ref);
        var invited = ExpectFrame(bob, "member");
        Assert.Equal(("carol", "invited", "bob"), (invited.GetProperty("user").GetString(), invited.GetProperty("event").GetString(), invited.GetProperty("by").GetString()));
        ExpectFrame(alice, "member");
        var (carol, _) = Join(room, "den", "carol");
        room.Tell(new ChangeMembership("den", "bob", "carol", Invite: false), bob.Ref);
        Assert.True(((LeftRoom)carol.FishForMessage(m => m is LeftRoom)).Removed);

        // No owner takes another owner off the roster.
        room.Tell(new ChangeMembership("den", "bob", "alice", Invite: false), bob.Ref);
        Assert.Equal("forbidden", FishFrame(bob, "error").GetProperty("code").GetString());
    }

    [Fact]
    public void Creating_a_room_that_exists_is_refused_unless_its_creator_asks_again()
    {
        var room = StartRoom("taken");
        Create(room, "taken", "alice", asPrivate: true);

        Assert.Equal("conflict", Refused(room, new Join("taken", "bob", null, HubFor("taken"), Create: true)).Code);
        Assert.Equal("conflict", Refused(room, new Join("taken", "alice", null, HubFor("taken"), Create: false)).Code);
        Create(room, "taken", "ALICE", asPrivate: true);
    }

    [Fact]
    public void A_direct_room_lets_in_its_two_users_only()
    {
        var room = StartRoom("dm:alice:bob");

        Join(room, "dm:alice:bob", "Alice");
        var (_, joined) = Join(room, "dm:alice:bob", "bob");

        Assert.True(joined.GetProperty("direct").GetBoolean());
        Assert.Equal("forbidden", Refused(room, new Join("dm:alice:bob", "carol", null, HubFor("dm:alice:bob"))).Code);
    }

    [Fact]
    public void The_owner_inviting_or_removing_a_member_puts_the_room_in_or_takes_it_off_their_room_list()
    {
        var accounts = CreateTestProbe();
        var room = Sys.ActorOf(RoomActor.PropsFor("club", Settings, accounts.Ref));
        var owner = Create(room, "club", "alice", asPrivate: true);

        room.Tell(new ChangeMembership("club", "alice", "Bob", Invite: true), owner.Ref);
        Assert.Equal(new SpendInvitation("alice"), accounts.ExpectMsg<SpendInvitation>());
        accounts.Reply(InvitationAnswer.Allowed);
        Assert.Equal(new CheckInvitation("bob", "alice", "club"), accounts.ExpectMsg<CheckInvitation>());
        accounts.Reply(InvitationAnswer.Allowed);
        Assert.Equal(new ListRoom("bob", "club", RoomKind.Private, InvitedBy: "alice"), accounts.ExpectMsg<ListRoom>());
        room.Tell(new ChangeMembership("club", "alice", "bob", Invite: false), owner.Ref);
        Assert.Equal(new UnlistRoom("bob", "club", RoomListChange.Removed), accounts.ExpectMsg<UnlistRoom>());

        // A change refused, or one that changes nothing, lists nothing.
        room.Tell(new ChangeMembership("club", "alice", "bob", Invite: false), owner.Ref);
        accounts.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void An_invitation_the_accounts_refuse_is_not_stored_and_the_owner_hears_why_while_a_non_owner_asks_no_account()
    {
        var accounts = CreateTestProbe();
        var room = Sys.ActorOf(RoomActor.PropsFor("club", Settings, accounts.Ref));
        var owner = Create(room, "club", "alice", asPrivate: true);

        room.Tell(new ChangeMembership("club", "alice", "bob", Invite: true), owner.Ref);
        accounts.ExpectMsg<SpendInvitation>();
        accounts.Reply(InvitationAnswer.Allowed);
        accounts.ExpectMsg<CheckInvitation>();
        accounts.Reply(new InvitationAnswer("limit_reached", "'bob' has 50 invitations not taken up yet"));

        var refused = ExpectFrame(owner, "error");
        Assert.Equal(("limit_reached", "bob"), (refused.GetProperty("code").GetString(), refused.GetProperty("ref").GetString()));
        Assert.Equal("forbidden", Refused(room, new Join("club", "bob", null, HubFor("club"))).Code);
        // Someone who may not invite learns nothing of anyone's limits, and spends no budget.
        room.Tell(new ChangeMembership("club", "mallory", "bob", Invite: true), owner.Ref);
        Assert.Equal("forbidden", ExpectFrame(owner, "error").GetProperty("code").GetString());
        accounts.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_direct_message_puts_the_conversation_in_both_users_room_lists()
    {
        var accounts = CreateTestProbe();
        accounts.IgnoreMessages<GetCredentials>(); // the room asks how its two users registered their names
        var room = Sys.ActorOf(RoomActor.PropsFor("dm:alice:bob", Settings, accounts.Ref));
        var (alice, _) = Join(room, "dm:alice:bob", "alice");

        room.Tell(new Post("dm:alice:bob", "alice", "m1", "hello"), alice.Ref);

        var listed = new[] { accounts.ExpectMsg<ListRoom>(), accounts.ExpectMsg<ListRoom>() };
        Assert.Equal(["alice", "bob"], listed.Select(list => list.Username).Order());
        Assert.All(listed, list => Assert.Equal(("dm:alice:bob", RoomKind.Direct), (list.Room, list.Kind)));
    }

    [Fact]
    public void A_message_in_a_public_room_lists_it_for_nobody()
    {
        var accounts = CreateTestProbe();
        var room = Sys.ActorOf(RoomActor.PropsFor("lobby", Settings, accounts.Ref));
        var (alice, _) = Join(room, "lobby", "alice");

        room.Tell(new Post("lobby", "alice", "m1", "hello"), alice.Ref);

        alice.ExpectMsg<Acked>();
        accounts.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
