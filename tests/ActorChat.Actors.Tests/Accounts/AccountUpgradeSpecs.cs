using ActorChat.Accounts;
using ActorChat.Rooms;
using ActorChat.Serialization;
using Akka.Actor;
using Akka.Persistence;

namespace ActorChat.Tests.Accounts;

/// <summary>An account whose journal (SQLite, as the server stores it) an earlier version wrote, with the room list events it no longer uses.</summary>
public sealed class AccountUpgradeSpecs() : ActorChat.Tests.Storage.SqliteChatSpec(new Database())
{
    private static readonly DateTimeOffset RegisteredAt = DateTimeOffset.UtcNow.AddDays(-3);

    /// <summary>Writes events into a journal as an earlier version did, and reads back what a journal holds.</summary>
    private sealed class Journal : ReceivePersistentActor
    {
        public sealed record Read(IReadOnlyList<object> Events);

        public Journal(string persistenceId, IReadOnlyList<IStoredRecord> toWrite, IActorRef replyTo)
        {
            PersistenceId = persistenceId;
            var recovered = new List<object>();
            Recover<IStoredRecord>(recovered.Add);
            Recover<RecoveryCompleted>(_ => Self.Tell(Write.Instance));
            Command<Write>(_ =>
            {
                if (toWrite.Count == 0)
                {
                    replyTo.Tell(new Read(recovered));
                    return;
                }
                PersistAll(toWrite, _ => { });
                DeferAsync(toWrite, written => replyTo.Tell(new Read([.. written])));
            });
        }

        private sealed record Write
        {
            public static readonly Write Instance = new();
        }

        public override string PersistenceId { get; }
    }

    private IReadOnlyList<object> Run(IReadOnlyList<IStoredRecord> toWrite)
    {
        var journal = Sys.ActorOf(Props.Create(() => new Journal("account-alice", toWrite, TestActor)));
        var events = ExpectMsg<Journal.Read>(ColdStartDeadline).Events;
        Watch(journal);
        Sys.Stop(journal);
        ExpectTerminated(journal);
        return events;
    }

    private IActorRef StartAccount() => Sys.ActorOf(AccountActor.PropsFor("alice", maxConnections: 5, CreateTestProbe().Ref));

    private void StopAccount(IActorRef account)
    {
        Watch(account);
        Sys.Stop(account);
        ExpectTerminated(account);
    }

    [Fact]
    public void An_account_of_an_earlier_version_keeps_its_credentials_and_sign_outs_and_its_journal_loses_the_retired_room_events()
    {
        var signedOutUntil = DateTimeOffset.UtcNow.AddHours(5);
        Run([
            new AccountRegistered("Alice", "hash", RegisteredAt),
            new RoomListed("garden", RoomKind.Public, RegisteredAt),
            new AllSessionsRevoked(2),
            new RoomUnlisted("garden", RoomListChange.Forgotten, RegisteredAt),
            new SessionRevoked("phone", signedOutUntil),
            new SessionRevoked("expired", DateTimeOffset.UtcNow.AddHours(-1)),
        ]);

        var account = StartAccount();
        account.Tell(new GetCredentials("alice"), TestActor);
        Assert.Equal(new AccountCredentials("Alice", "hash", 2), ExpectMsg<AccountCredentials>(ColdStartDeadline));
        account.Tell(new GetSecurity("alice"), TestActor);
        var security = ExpectMsg<AccountSecurity>();
        Assert.Equal(2L, security.Generation);
        Assert.Equal("phone", Assert.Single(security.Revoked));
        StopAccount(account);

        var kept = Run([]);
        Assert.DoesNotContain(kept, e => e is RoomListed or RoomUnlisted);
        Assert.Equal([new AccountRegistered("Alice", "hash", RegisteredAt), new AllSessionsRevoked(2), new SessionRevoked("phone", signedOutUntil)], kept);

        // And the compacted journal recovers to the same account.
        var again = StartAccount();
        again.Tell(new GetCredentials("alice"), TestActor);
        Assert.Equal(new AccountCredentials("Alice", "hash", 2), ExpectMsg<AccountCredentials>(ColdStartDeadline));
        again.Tell(new OpenConnection("alice", "phone", 2, TestActor), TestActor);
        Assert.Equal(ConnectionRefused.SignedOut, ExpectMsg<ConnectionRefused>().Reason);
    }

    [Fact]
    public void A_journal_without_retired_events_is_left_as_it_is()
    {
        Run([new AccountRegistered("Alice", "hash", RegisteredAt), new SessionRevoked("phone", DateTimeOffset.UtcNow.AddHours(5))]);

        var account = StartAccount();
        account.Tell(new GetCredentials("alice"), TestActor);
        ExpectMsg<AccountCredentials>(ColdStartDeadline);
        StopAccount(account);

        Assert.Equal(2, Run([]).Count);
    }
}
