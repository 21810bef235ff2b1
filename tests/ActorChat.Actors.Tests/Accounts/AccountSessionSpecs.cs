using ActorChat.Accounts;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;

namespace ActorChat.Tests.Accounts;

/// <summary>The account as the registry of its user's connections and the authority on which sessions are signed out.</summary>
public sealed class AccountSessionSpecs : ChatSpec
{
    private static readonly DateTimeOffset NextMonth = DateTimeOffset.UtcNow.AddDays(30);

    private readonly TestProbe _published;

    public AccountSessionSpecs() => _published = CreateTestProbe();

    private IActorRef StartAccount(string key = "alice", int maxConnections = 3) =>
        Sys.ActorOf(AccountActor.PropsFor(key, maxConnections, _published.Ref));

    private static TestProbe Open(TestKitBase kit, IActorRef account, string session, long generation = 0)
    {
        var connection = kit.CreateTestProbe();
        account.Tell(new OpenConnection("alice", session, generation, connection.Ref), connection.Ref);
        return connection;
    }

    [Fact]
    public void Signing_one_session_out_ends_its_connections_at_once_and_leaves_the_others_open()
    {
        var account = StartAccount();
        var phone = Open(this, account, "phone");
        var laptop = Open(this, account, "laptop");
        phone.ExpectMsg<ConnectionOpened>(ColdStartDeadline);
        laptop.ExpectMsg<ConnectionOpened>();

        account.Tell(new RevokeSession("alice", "phone", NextMonth), TestActor);

        phone.ExpectMsg<SessionEnded>();
        var security = ExpectMsg<AccountSecurity>();
        Assert.Equal(["phone"], security.Revoked);
        Assert.Equal(security, _published.ExpectMsg<Publish>().Message);
        laptop.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        // Another connection of the signed-out session is refused; one of the other session still opens.
        Assert.Equal(ConnectionRefused.SignedOut, Open(this, account, "phone").ExpectMsg<ConnectionRefused>().Reason);
        Open(this, account, "laptop").ExpectMsg<ConnectionOpened>();
    }

    [Fact]
    public void Signing_out_everywhere_ends_every_connection_and_refuses_every_session_begun_before_it()
    {
        var account = StartAccount();
        var phone = Open(this, account, "phone");
        var laptop = Open(this, account, "laptop");
        phone.ExpectMsg<ConnectionOpened>(ColdStartDeadline);
        laptop.ExpectMsg<ConnectionOpened>();

        account.Tell(new RevokeAllSessions("alice"), TestActor);

        phone.ExpectMsg<SessionEnded>();
        laptop.ExpectMsg<SessionEnded>();
        Assert.Equal(1, ExpectMsg<AccountSecurity>().Generation);
        Assert.Equal(ConnectionRefused.SignedOut, Open(this, account, "tablet", generation: 0).ExpectMsg<ConnectionRefused>().Reason);
        // A sign-in after it carries the new generation.
        Open(this, account, "fresh", generation: 1).ExpectMsg<ConnectionOpened>();
    }

    [Fact]
    public void The_user_may_hold_only_so_many_connections_and_a_closed_one_frees_its_place()
    {
        var account = StartAccount(maxConnections: 2);
        var first = Open(this, account, "s");
        first.ExpectMsg<ConnectionOpened>(ColdStartDeadline);
        Open(this, account, "s").ExpectMsg<ConnectionOpened>();

        Assert.Equal(ConnectionRefused.TooManyConnections, Open(this, account, "s").ExpectMsg<ConnectionRefused>().Reason);
        // Registering again (after the account moved, say) is not one more connection.
        account.Tell(new OpenConnection("alice", "s", 0, first.Ref), first.Ref);
        first.ExpectMsg<ConnectionOpened>();

        Sys.Stop(first.Ref);
        AwaitAssert(() =>
        {
            var next = Open(this, account, "s");
            next.ExpectMsg<ConnectionOpened>(TimeSpan.FromMilliseconds(500));
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Sign_outs_are_stored_and_hold_after_the_account_restarts_until_the_session_could_have_ended_anyway()
    {
        var account = StartAccount("carol");
        account.Tell(new RevokeSession("carol", "old", DateTimeOffset.UtcNow.AddMilliseconds(-1)), TestActor);
        ExpectMsg<AccountSecurity>(ColdStartDeadline);
        account.Tell(new RevokeSession("carol", "stolen", NextMonth), TestActor);
        ExpectMsg<AccountSecurity>();
        account.Tell(new RevokeAllSessions("carol"), TestActor);
        ExpectMsg<AccountSecurity>();
        account.Tell(new RevokeSession("carol", "later", NextMonth), TestActor);
        ExpectMsg<AccountSecurity>();
        Watch(account);
        Sys.Stop(account);
        ExpectTerminated(account);

        var recovered = StartAccount("carol");
        recovered.Tell(new GetSecurity("carol"), TestActor);

        var security = ExpectMsg<AccountSecurity>(ColdStartDeadline);
        Assert.Equal(1, security.Generation);
        // "old" and "stolen" were revoked before the generation moved on, which now refuses them by itself.
        Assert.Equal(["later"], security.Revoked);
        Assert.False(security.Allows(new AuthTicket("carol", NextMonth, "stolen", DateTimeOffset.UtcNow, 0)));
        Assert.False(security.Allows(new AuthTicket("carol", NextMonth, "later", DateTimeOffset.UtcNow, 1)));
        Assert.True(security.Allows(new AuthTicket("carol", NextMonth, "new", DateTimeOffset.UtcNow, 1)));
    }

    [Fact]
    public void An_expired_sign_out_is_forgotten()
    {
        var account = StartAccount("dave");
        account.Tell(new RevokeSession("dave", "long-gone", DateTimeOffset.UtcNow.AddMilliseconds(-1)), TestActor);

        Assert.Empty(ExpectMsg<AccountSecurity>(ColdStartDeadline).Revoked);
    }

    private IActorRef StartRegistered(string key, TimeProvider? clock = null)
    {
        var account = Sys.ActorOf(AccountActor.PropsFor(key, 3, _published.Ref, clock: clock));
        account.Tell(new Register(char.ToUpperInvariant(key[0]) + key[1..], "hash"), TestActor);
        ExpectMsg<Registered>(ColdStartDeadline);
        return account;
    }

    private static TestProbe Open(TestKitBase kit, IActorRef account, string user, string session, long generation)
    {
        var connection = kit.CreateTestProbe();
        account.Tell(new OpenConnection(user, session, generation, connection.Ref), connection.Ref);
        return connection;
    }

    [Fact]
    public void A_suspension_ends_every_connection_refuses_new_ones_and_holds_after_a_restart_until_lifted()
    {
        var account = StartRegistered("erin");
        var phone = Open(this, account, "erin", "phone", 0);
        var laptop = Open(this, account, "erin", "laptop", 0);
        phone.ExpectMsg<ConnectionOpened>();
        laptop.ExpectMsg<ConnectionOpened>();

        account.Tell(new SuspendAccount("erin", "root", "spam", null), TestActor);

        Assert.Equal(ConnectionRefused.Suspended, phone.ExpectMsg<SessionEnded>().Reason);
        Assert.Equal(ConnectionRefused.Suspended, laptop.ExpectMsg<SessionEnded>().Reason);
        Assert.Equal(new AccountSuspension("Erin", true, "spam"), ExpectMsg<AccountSuspension>());
        // Every node hears that every session begun so far is over: their tokens are refused there too.
        Assert.Equal(1, ((AccountSecurity)_published.ExpectMsg<Publish>().Message).Generation);
        Assert.Equal(ConnectionRefused.Suspended, Open(this, account, "erin", "fresh", 1).ExpectMsg<ConnectionRefused>().Reason);
        account.Tell(new GetCredentials("erin"), TestActor);
        Assert.Equal(new AccountSuspension("Erin", true, "spam"), ExpectMsg<AccountCredentials>().Suspension);

        Watch(account);
        Sys.Stop(account);
        ExpectTerminated(account);
        var recovered = Sys.ActorOf(AccountActor.PropsFor("erin", 3, _published.Ref));
        Assert.Equal(ConnectionRefused.Suspended, Open(this, recovered, "erin", "fresh", 1).ExpectMsg<ConnectionRefused>(ColdStartDeadline).Reason);

        recovered.Tell(new LiftSuspension("erin", "root"), TestActor);
        Assert.Equal(new AccountSuspension("Erin", false), ExpectMsg<AccountSuspension>());
        Open(this, recovered, "erin", "fresh", 1).ExpectMsg<ConnectionOpened>();
        recovered.Tell(new GetCredentials("erin"), TestActor);
        Assert.Null(ExpectMsg<AccountCredentials>().Suspension);
    }

    [Fact]
    public void A_suspension_with_an_end_lapses_by_itself_and_one_for_nobody_says_so()
    {
        var clock = new ManualClock();
        var account = StartRegistered("fred", clock);
        account.Tell(new SuspendAccount("fred", "root", "", clock.GetUtcNow().AddHours(1)), TestActor);
        Assert.True(ExpectMsg<AccountSuspension>().Suspended);
        Assert.Equal(ConnectionRefused.Suspended, Open(this, account, "fred", "s", 1).ExpectMsg<ConnectionRefused>().Reason);

        clock.Advance(TimeSpan.FromHours(1));

        Open(this, account, "fred", "s", 1).ExpectMsg<ConnectionOpened>();
        account.Tell(new GetCredentials("fred"), TestActor);
        Assert.Null(ExpectMsg<AccountCredentials>().Suspension);

        var nobody = StartAccount("nobody");
        nobody.Tell(new SuspendAccount("nobody", "root", "", null), TestActor);
        Assert.Null(ExpectMsg<AccountSuspension>(ColdStartDeadline).Username);
    }
}
