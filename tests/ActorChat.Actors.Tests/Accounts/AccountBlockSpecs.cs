using ActorChat.Accounts;
using Akka.Actor;
using Akka.TestKit;

namespace ActorChat.Tests.Accounts;

/// <summary>A user's blocks: owned by their account, told to every device of theirs, asked of by whoever would reach them.</summary>
public sealed class AccountBlockSpecs : ChatSpec
{
    private IActorRef StartRegistered(string key, string name)
    {
        var account = Sys.ActorOf(AccountActor.PropsFor(key, 3, CreateTestProbe().Ref));
        account.Tell(new Register(name, "hash"), TestActor);
        ExpectMsg<Registered>(ColdStartDeadline);
        return account;
    }

    [Fact]
    public void A_block_reaches_every_device_refuses_the_blocked_users_conversation_and_invitation_and_holds_after_a_restart()
    {
        var account = StartRegistered("alice", "Alice");
        var phone = CreateTestProbe();
        var laptop = CreateTestProbe();
        account.Tell(new OpenConnection("alice", "s1", 0, phone.Ref), phone.Ref);
        account.Tell(new OpenConnection("alice", "s2", 0, laptop.Ref), laptop.Ref);
        phone.ExpectMsg<ConnectionOpened>();
        laptop.ExpectMsg<ConnectionOpened>();

        account.Tell(new ChangeBlock("alice", "Mallory", Block: true), phone.Ref);

        Assert.Equal(["Mallory"], phone.ExpectMsg<BlockList>().Users);
        Assert.Equal(["Mallory"], laptop.ExpectMsg<BlockList>().Users);
        account.Tell(new CheckContact("alice", "mallory"), TestActor);
        Assert.Equal(new ContactAnswer("Alice", Blocked: true), ExpectMsg<ContactAnswer>());
        account.Tell(new CheckContact("alice", "bob"), TestActor);
        Assert.Equal(new ContactAnswer("Alice", Blocked: false), ExpectMsg<ContactAnswer>());
        account.Tell(new CheckInvitation("alice", "MALLORY", "club"), TestActor);
        Assert.Equal("forbidden", ExpectMsg<InvitationAnswer>().Code);
        // Blocking again changes nothing and tells only who asked.
        account.Tell(new ChangeBlock("alice", "mallory", Block: true), phone.Ref);
        Assert.Equal(["Mallory"], phone.ExpectMsg<BlockList>().Users);
        laptop.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        Watch(account);
        Sys.Stop(account);
        ExpectTerminated(account);
        var recovered = Sys.ActorOf(AccountActor.PropsFor("alice", 3, CreateTestProbe().Ref));
        recovered.Tell(new GetBlocks("alice"), TestActor);
        Assert.Equal(["Mallory"], ExpectMsg<BlockList>(ColdStartDeadline).Users);

        recovered.Tell(new ChangeBlock("alice", "mallory", Block: false), TestActor);
        Assert.Empty(ExpectMsg<BlockList>().Users);
        recovered.Tell(new CheckContact("alice", "mallory"), TestActor);
        Assert.False(ExpectMsg<ContactAnswer>().Blocked);
    }

    [Fact]
    public void A_contact_check_of_nobody_says_there_is_no_such_user()
    {
        var nobody = Sys.ActorOf(AccountActor.PropsFor("ghost", 3, CreateTestProbe().Ref));
        nobody.Tell(new CheckContact("ghost", "alice"), TestActor);
        Assert.Equal(new ContactAnswer(null, false), ExpectMsg<ContactAnswer>(ColdStartDeadline));
    }
}
