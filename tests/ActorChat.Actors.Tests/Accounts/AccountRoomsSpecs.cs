using ActorChat.Accounts;
using ActorChat.Rooms;
using ActorChat.Storage;
using Akka.Actor;
using Akka.TestKit;

namespace ActorChat.Tests.Accounts;

/// <summary>The account as the keeper of its user's room list: what goes in, what comes out, and who hears of it.</summary>
public sealed class AccountRoomsSpecs : ChatSpec
{
    private IActorRef StartAccount(string key = "alice", InvitationLimits? invitations = null, TimeProvider? clock = null) =>
        Sys.ActorOf(AccountActor.PropsFor(key, maxConnections: 5, CreateTestProbe().Ref, invitations, clock));

    private IActorRef StartRegistered(string key = "alice", InvitationLimits? invitations = null, TimeProvider? clock = null)
    {
        var account = StartAccount(key, invitations, clock);
        account.Tell(new Register(key, "hash"), TestActor);
        ExpectMsg<Registered>(ColdStartDeadline);
        return account;
    }

    private TestProbe Open(IActorRef account, string session)
    {
        var connection = CreateTestProbe();
        account.Tell(new OpenConnection("alice", session, 0, connection.Ref), connection.Ref);
        connection.ExpectMsg<ConnectionOpened>();
        return connection;
    }

    private IReadOnlyList<ListedRoom> ListOf(IActorRef account)
    {
        account.Tell(new GetRooms("alice"), TestActor);
        return ExpectMsg<RoomList>().Rooms;
    }

    [Fact]
    public void A_listed_room_reaches_every_connection_of_the_user_once_and_the_list_keeps_the_order_rooms_came_in()
    {
        var account = StartRegistered();
        var phone = Open(account, "phone");
        var laptop = Open(account, "laptop");

        account.Tell(new ListRoom("Alice", "garden", RoomKind.Public));
        account.Tell(new ListRoom("alice", "secret", RoomKind.Private));
        account.Tell(new ListRoom("alice", "garden", RoomKind.Public));

        foreach (var device in new[] { phone, laptop })
        {
            Assert.Equal(new RoomListChange("garden", RoomKind.Public, RoomListChange.Added), device.ExpectMsg<RoomListChange>());
            Assert.Equal(new RoomListChange("secret", RoomKind.Private, RoomListChange.Added), device.ExpectMsg<RoomListChange>());
        }
        Assert.Equal([new ListedRoom("garden", RoomKind.Public), new ListedRoom("secret", RoomKind.Private)], ListOf(account));
        // Listing a room listed already changed nothing, and nobody hears of it.
        phone.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        laptop.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public void A_forgotten_room_leaves_the_list_the_asker_is_answered_and_the_other_devices_are_told()
    {
        var account = StartRegistered();
        var phone = Open(account, "phone");
        var laptop = Open(account, "laptop");
        account.Tell(new ListRoom("alice", "garden", RoomKind.Public));
        phone.ExpectMsg<RoomListChange>();
        laptop.ExpectMsg<RoomListChange>();

        account.Tell(new UnlistRoom("alice", "garden", RoomListChange.Forgotten, phone.Ref));

        Assert.Equal(new RoomListChange("garden", RoomKind.Public, RoomListChange.Forgotten, Answer: true), phone.ExpectMsg<RoomListChange>());
        Assert.Equal(new RoomListChange("garden", RoomKind.Public, RoomListChange.Forgotten), laptop.ExpectMsg<RoomListChange>());
        Assert.Empty(ListOf(account));
        phone.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Forgetting it again is still answered, and tells nobody else.
        account.Tell(new UnlistRoom("alice", "garden", RoomListChange.Forgotten, phone.Ref));
        Assert.True(phone.ExpectMsg<RoomListChange>().Answer);
        laptop.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void The_room_list_survives_the_account_stopping_and_is_read_back_in_its_order_with_each_rooms_kind()
    {
        var account = StartRegistered();
        account.Tell(new ListRoom("alice", "garden", RoomKind.Public));
        account.Tell(new ListRoom("alice", "dm:alice:bob", RoomKind.Direct));
        account.Tell(new ListRoom("alice", "attic", RoomKind.Public));
        account.Tell(new UnlistRoom("alice", "garden", RoomListChange.Forgotten, TestActor));
        ExpectMsg<RoomListChange>();
        Watch(account);
        Sys.Stop(account);
        ExpectTerminated(account);

        var recovered = StartAccount();
        // Commands that come while the list is read wait for it, in order.
        recovered.Tell(new ListRoom("alice", "garden", RoomKind.Public));

        Assert.Equal([new ListedRoom("dm:alice:bob", RoomKind.Direct), new ListedRoom("attic", RoomKind.Public), new ListedRoom("garden", RoomKind.Public)],
            ListOf(recovered));
    }

    [Fact]
    public async Task The_account_takes_its_list_from_the_message_table_in_the_order_and_kinds_stored_there()
    {
        var table = MessageTable.Get(Sys);
        var at = DateTimeOffset.UtcNow;
        await table.Members.RememberListingAsync("secret", "alice", RoomKind.Private, at);
        await table.Members.RememberListingAsync("garden", "alice", RoomKind.Public, at.AddSeconds(1));
        await table.Members.RememberListingAsync("attic", "alice", RoomKind.Public, at.AddSeconds(2));
        await table.Members.RememberListingAsync("attic", "alice", kind: null, at.AddSeconds(3));
        // Listed again later: it keeps its place.
        await table.Members.RememberListingAsync("secret", "alice", RoomKind.Private, at.AddSeconds(4));

        var account = StartRegistered();

        Assert.Equal([new ListedRoom("secret", RoomKind.Private), new ListedRoom("garden", RoomKind.Public)], ListOf(account));
    }

    [Fact]
    public async Task A_listing_stored_without_its_kind_takes_it_from_the_room_a_private_one_from_its_creation()
    {
        // Rows as an earlier version wrote them: listed, with neither a kind nor a time.
        var table = MessageTable.Get(Sys);
        await table.WriteAsync("secret", [new RevisedEvent(1, new RoomCreated("c1", "bob", true, DateTimeOffset.UtcNow))], 0);
        await table.SchemaReady;
        await using (var connection = await table.Database.OpenAsync())
        {
            foreach (var room in new[] { "secret", "dm:alice:bob", "garden" })
            {
                await using var insert = TableDatabase.Command(connection,
                    "INSERT INTO actorchat_members (room, member, listed, read_seq) VALUES (@room, 'alice', 1, 0)", ("room", room));
                await insert.ExecuteNonQueryAsync();
            }
        }

        var account = StartRegistered();

        Assert.Equal([new ListedRoom("dm:alice:bob", RoomKind.Direct), new ListedRoom("garden", RoomKind.Public), new ListedRoom("secret", RoomKind.Private)],
            ListOf(account));
    }

    [Fact]
    public void An_invitation_for_a_name_nobody_registered_lists_nothing_for_whoever_registers_it_later()
    {
        var account = StartAccount("alice");
        account.Tell(new ListRoom("alice", "secret", RoomKind.Private));
        account.Tell(new Register("alice", "hash"), TestActor);
        ExpectMsg<Registered>(ColdStartDeadline);

        Assert.Empty(ListOf(account));
    }

    [Fact]
    public void An_account_lists_at_most_its_limit_of_rooms_and_the_rooms_past_it_are_not_listed()
    {
        var account = StartRegistered();
        for (var i = 0; i < AccountRooms.MaxRooms + 5; i++)
            account.Tell(new ListRoom("alice", $"room-{i}", RoomKind.Public));

        var list = ListOf(account);

        Assert.Equal(AccountRooms.MaxRooms, list.Count);
        Assert.Equal("room-0", list[0].Room);
        Assert.Equal($"room-{AccountRooms.MaxRooms - 1}", list[^1].Room);
    }

    [Fact]
    public async Task Listing_and_forgetting_are_recorded_for_the_directory_and_the_unread_counts()
    {
        var account = StartRegistered();
        var table = MessageTable.Get(Sys);
        account.Tell(new ListRoom("alice", "garden", RoomKind.Public));
        account.Tell(new ListRoom("alice", "attic", RoomKind.Public));
        account.Tell(new UnlistRoom("alice", "attic", RoomListChange.Forgotten, TestActor));
        ExpectMsg<RoomListChange>();
        // Something stored in each room puts it in the directory.
        foreach (var room in new[] { "garden", "attic" })
            await table.WriteAsync(room, [new RevisedEvent(1, new MessagePosted(1, "m1", "bob", "hi", DateTimeOffset.UtcNow))], 1);
        table.Members.RememberRead("garden", "alice", 1);

        await AwaitAssertAsync(async () =>
        {
            var directory = await table.Members.ReadDirectoryAsync("", null, 10);
            Assert.Equal([("attic", 0L), ("garden", 1L)], directory.Select(entry => (entry.Room, entry.Members)));
            var states = await table.Members.ReadRoomStatesAsync("alice", ["garden"]);
            Assert.Equal(new RoomState(1, states["garden"].LastActivity, 1), states["garden"]);
            Assert.Equal(0, states["garden"].Unread);
        }, TimeSpan.FromSeconds(5));
    }

    private string? InvitationRefusal(IActorRef account, string inviter, string room)
    {
        account.Tell(new CheckInvitation("alice", inviter, room), TestActor);
        return ExpectMsg<InvitationAnswer>().Code;
    }

    private static ListRoom Invitation(string room, string inviter) => new("alice", room, RoomKind.Private, InvitedBy: inviter);

    [Fact]
    public void An_invitation_is_listed_with_its_inviter_until_the_user_joins_the_room_and_every_device_hears_it_taken_up()
    {
        var limits = new InvitationLimits(PerHour: 100, MaxPending: 10, MaxPendingPerInviter: 1);
        var account = StartRegistered(invitations: limits);
        var phone = Open(account, "phone");

        account.Tell(Invitation("club", "bob"));
        Assert.Equal(new RoomListChange("club", RoomKind.Private, RoomListChange.Added, InvitedBy: "bob"), phone.ExpectMsg<RoomListChange>());
        Assert.Equal([new ListedRoom("club", RoomKind.Private, "bob")], ListOf(account));
        // Bob's one invitation not taken up is all he may have with Alice.
        Assert.Equal("limit_reached", InvitationRefusal(account, "Bob", "attic"));

        account.Tell(new ListRoom("alice", "club", RoomKind.Private));

        Assert.Equal(new RoomListChange("club", RoomKind.Private, RoomListChange.Added), phone.ExpectMsg<RoomListChange>());
        Assert.Null(InvitationRefusal(account, "bob", "attic"));
        Assert.Equal([new ListedRoom("club", RoomKind.Private)], ListOf(account));
        // Joining it again changes nothing more.
        account.Tell(new ListRoom("alice", "club", RoomKind.Private));
        phone.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        // Taken up for good: read back from the table, it is the user's own room.
        Watch(account);
        Sys.Stop(account);
        ExpectTerminated(account);
        Assert.Null(InvitationRefusal(StartAccount(invitations: limits), "bob", "attic"));
    }

    [Fact]
    public void Invitations_past_the_users_bound_or_one_inviters_share_of_it_are_refused_and_not_listed_also_after_a_restart()
    {
        var limits = new InvitationLimits(PerHour: 100, MaxPending: 3, MaxPendingPerInviter: 2);
        var account = StartRegistered(invitations: limits);
        account.Tell(Invitation("trap-1", "mallory"));
        account.Tell(Invitation("trap-2", "mallory"));
        Assert.Equal("limit_reached", InvitationRefusal(account, "mallory", "trap-3"));
        // Told anyway, as by a room that was asked before the bound was reached: still not listed.
        account.Tell(Invitation("trap-3", "mallory"));
        account.Tell(Invitation("club", "bob"));
        Assert.Equal("limit_reached", InvitationRefusal(account, "carol", "book-club"));
        account.Tell(Invitation("book-club", "carol"));

        Assert.Equal(["trap-1", "trap-2", "club"], ListOf(account).Select(listed => listed.Room));
        // A room listed already is no new invitation: asking again is allowed, and changes nothing.
        Assert.Null(InvitationRefusal(account, "mallory", "trap-1"));
        Watch(account);
        Sys.Stop(account);
        ExpectTerminated(account);
        Assert.Equal("limit_reached", InvitationRefusal(StartAccount(invitations: limits), "carol", "book-club"));
    }

    [Fact]
    public void An_invitation_for_a_name_with_no_account_is_refused_as_not_found()
    {
        var account = StartAccount("nobody");

        account.Tell(new CheckInvitation("nobody", "alice", "club"), TestActor);

        Assert.Equal("not_found", ExpectMsg<InvitationAnswer>(ColdStartDeadline).Code);
    }

    [Fact]
    public void On_a_full_list_the_users_own_join_displaces_the_oldest_invitation_never_taken_up_and_never_a_room_of_their_own()
    {
        var account = StartRegistered();
        var phone = Open(account, "phone");
        account.Tell(Invitation("trap-1", "mallory"));
        account.Tell(Invitation("trap-2", "mallory"));
        for (var i = 0; i < AccountRooms.MaxRooms - 2; i++)
            account.Tell(new ListRoom("alice", $"room-{i}", RoomKind.Public));
        Assert.Equal(AccountRooms.MaxRooms, ListOf(account).Count);
        phone.ReceiveN(AccountRooms.MaxRooms);

        account.Tell(new ListRoom("alice", "garden", RoomKind.Public));

        Assert.Equal(new RoomListChange("trap-1", RoomKind.Private, RoomListChange.Forgotten), phone.ExpectMsg<RoomListChange>());
        Assert.Equal(new RoomListChange("garden", RoomKind.Public, RoomListChange.Added), phone.ExpectMsg<RoomListChange>());
        account.Tell(new ListRoom("alice", "attic", RoomKind.Public));
        Assert.Equal("trap-2", phone.ExpectMsg<RoomListChange>().Room);
        Assert.Equal("attic", phone.ExpectMsg<RoomListChange>().Room);
        // Full of the user's own rooms: a join past it is not listed, and no invitation can be.
        account.Tell(new ListRoom("alice", "cellar", RoomKind.Public));
        Assert.Equal("limit_reached", InvitationRefusal(account, "bob", "club"));
        var list = ListOf(account);
        Assert.Equal(AccountRooms.MaxRooms, list.Count);
        Assert.Equal(["garden", "attic"], list.TakeLast(2).Select(listed => listed.Room));
        Assert.DoesNotContain(list, listed => listed.Room is "trap-1" or "trap-2" or "cellar");
        phone.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void An_inviter_spends_its_hourly_budget_and_gets_it_back_as_the_hour_passes()
    {
        var clock = new ManualClock();
        var account = StartRegistered(invitations: new InvitationLimits(PerHour: 2, MaxPending: 10, MaxPendingPerInviter: 5), clock: clock);
        string Spend()
        {
            account.Tell(new SpendInvitation("alice"), TestActor);
            return ExpectMsg<InvitationAnswer>().Code ?? "allowed";
        }

        Assert.Equal(["allowed", "allowed", "rate_limited"], new[] { Spend(), Spend(), Spend() });
        clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(["allowed", "rate_limited"], new[] { Spend(), Spend() });
        clock.Advance(TimeSpan.FromMinutes(60));
        Assert.Equal(["allowed", "allowed", "rate_limited"], new[] { Spend(), Spend(), Spend() });
    }
}

/// <summary>A clock that moves only when told to.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = DateTimeOffset.UtcNow.UtcTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
}
