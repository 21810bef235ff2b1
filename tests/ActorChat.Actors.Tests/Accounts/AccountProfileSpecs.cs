using ActorChat.Accounts;
using ActorChat.Rooms;
using ActorChat.Storage;
using Akka.Actor;
using Akka.TestKit;

namespace ActorChat.Tests.Accounts;

/// <summary>A user's profile: owned by their account, told to every device and every room listed, and looked up from the table.</summary>
public sealed class AccountProfileSpecs : ChatSpec
{
    private static readonly ProfileEdit NameAndStatus = new(SetName: true, "Alice Liddell", SetStatus: true, "down the rabbit hole", SetAvatar: false, null);

    private IActorRef StartAccount(IActorRef rooms) => Sys.ActorOf(AccountActor.PropsFor("alice", 3, CreateTestProbe().Ref, rooms: rooms));

    private IActorRef StartRegistered(IActorRef rooms)
    {
        var account = StartAccount(rooms);
        account.Tell(new Register("Alice", "hash"), TestActor);
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

    [Fact]
    public void A_profile_change_reaches_every_device_and_every_listed_room_and_the_table_and_holds_after_a_restart()
    {
        var rooms = CreateTestProbe();
        var account = StartRegistered(rooms.Ref);
        account.Tell(new ListRoom("alice", "garden", RoomKind.Public));
        account.Tell(new ListRoom("alice", "dm:alice:bob", RoomKind.Direct));
        var phone = Open(account, "s1");
        var laptop = Open(account, "s2");

        account.Tell(new SetProfile("alice", NameAndStatus), phone.Ref);

        var expected = new UserProfile("Alice", "Alice Liddell", "down the rabbit hole", null, 1);
        Assert.Equal(expected, phone.FishForMessage<UserProfile>(_ => true, ColdStartDeadline));
        Assert.Equal(expected, laptop.FishForMessage<UserProfile>(_ => true));
        var told = new[] { rooms.ExpectMsg<ShareProfile>(), rooms.ExpectMsg<ShareProfile>() };
        Assert.Equal(["dm:alice:bob", "garden"], told.Select(share => share.Room).Order());
        Assert.All(told, share => Assert.Equal(expected, share.Profile));
        AwaitAssert(() => Assert.Equal([expected], MessageTable.Get(Sys).Profiles.ReadAsync(["ALICE", "nobody"]).GetAwaiter().GetResult()),
            ColdStartDeadline);

        // Only the fields named change; clearing one is naming it empty.
        account.Tell(new SetProfile("alice", new ProfileEdit(false, null, SetStatus: true, null, SetAvatar: true, new string('a', 32))), phone.Ref);
        var second = expected with { Status = null, Avatar = new string('a', 32), Rev = 2 };
        Assert.Equal(second, phone.FishForMessage<UserProfile>(_ => true));
        Assert.All([rooms.ExpectMsg<ShareProfile>(), rooms.ExpectMsg<ShareProfile>()], share => Assert.Equal(second, share.Profile));

        Watch(account);
        Sys.Stop(account);
        ExpectTerminated(account);
        var recovered = StartAccount(rooms.Ref);
        var tablet = CreateTestProbe();
        // An edit that changes nothing is answered with the profile as it is, stored and told nowhere else.
        recovered.Tell(new SetProfile("alice", new ProfileEdit(SetName: true, "Alice Liddell", false, null, false, null)), tablet.Ref);
        Assert.Equal(second, tablet.ExpectMsg<UserProfile>(ColdStartDeadline));
        rooms.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_profile_row_lost_or_behind_is_written_again_when_the_account_starts_and_an_older_write_never_wins()
    {
        var account = StartRegistered(CreateTestProbe().Ref);
        account.Tell(new SetProfile("alice", NameAndStatus), TestActor);
        var stored = ExpectMsg<UserProfile>(ColdStartDeadline);
        var table = MessageTable.Get(Sys).Profiles;
        AwaitAssert(() => Assert.Single(table.ReadAsync(["alice"]).GetAwaiter().GetResult()), ColdStartDeadline);

        // A late write of an older revision leaves the newer row as it is.
        await table.WriteAsync(stored with { Name = "stale", Rev = 0 });
        Assert.Equal([stored], await table.ReadAsync(["alice"]));

        await using (var connection = await MessageTable.Get(Sys).Database.OpenAsync())
        await using (var delete = TableDatabase.Command(connection, "DELETE FROM actorchat_profiles"))
            await delete.ExecuteNonQueryAsync();
        Watch(account);
        Sys.Stop(account);
        ExpectTerminated(account);
        StartAccount(CreateTestProbe().Ref);
        AwaitAssert(() => Assert.Equal([stored], table.ReadAsync(["alice"]).GetAwaiter().GetResult()), ColdStartDeadline);
    }

    [Fact]
    public void Profile_changes_come_in_a_limited_burst_that_refills_over_the_hour_and_a_change_of_nothing_costs_nothing()
    {
        var clock = new ManualClock();
        var account = Sys.ActorOf(AccountActor.PropsFor("alice", 3, CreateTestProbe().Ref, clock: clock));
        account.Tell(new Register("Alice", "hash"), TestActor);
        ExpectMsg<Registered>(ColdStartDeadline);
        ProfileEdit Status(int n) => new(false, null, SetStatus: true, $"status {n}", false, null);

        for (var n = 1; n <= AccountActor.ProfileChangeBurst; n++)
        {
            account.Tell(new SetProfile("alice", Status(n)), TestActor);
            Assert.Equal(n, ExpectMsg<UserProfile>().Rev);
        }
        // Asking for the profile as it is costs nothing, even with the burst spent.
        account.Tell(new SetProfile("alice", Status(AccountActor.ProfileChangeBurst)), TestActor);
        Assert.Equal(AccountActor.ProfileChangeBurst, ExpectMsg<UserProfile>().Rev);
        account.Tell(new SetProfile("alice", Status(99)), TestActor);
        Assert.Equal("rate_limited", ExpectMsg<ProfileRefused>().Code);

        clock.Advance(TimeSpan.FromHours(1.0 / AccountActor.ProfileChangesPerHour));
        account.Tell(new SetProfile("alice", Status(99)), TestActor);
        Assert.Equal("status 99", ExpectMsg<UserProfile>().Status);
    }

    [Fact]
    public void A_profile_change_of_nobody_is_refused()
    {
        var nobody = Sys.ActorOf(AccountActor.PropsFor("ghost", 3, CreateTestProbe().Ref));
        nobody.Tell(new SetProfile("ghost", NameAndStatus), TestActor);
        Assert.Equal("not_found", ExpectMsg<ProfileRefused>(ColdStartDeadline).Code);
    }
}
