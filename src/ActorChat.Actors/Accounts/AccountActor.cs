using ActorChat.Serialization;
using Akka.Actor;
using Akka.Persistence;

namespace ActorChat.Accounts;

/// <summary>Journal event: an account was created under a name, shown as registered.</summary>
public sealed record AccountRegistered(string Username, string PasswordHash, DateTimeOffset RegisteredAt) : IStoredRecord;

/// <summary>A request to one account; <see cref="Key"/> is the name folded to lower case, so names are unique regardless of case.</summary>
public interface IAccountCommand : IWireMessage
{
    string Key { get; }
}

/// <summary>
/// One account, keyed by its case-folded name: the single place that decides whether the name is taken,
/// on whichever node it lives.
/// </summary>
public sealed class AccountActor : ReceivePersistentActor
{
    public sealed record Register(string Username, string PasswordHash) : IAccountCommand
    {
        public string Key => KeyOf(Username);
    }

    public sealed record GetCredentials(string Username) : IAccountCommand
    {
        public string Key => KeyOf(Username);
    }

    public sealed record Registered(string Username) : IWireMessage;

    public sealed record UsernameTaken : IWireMessage;

    /// <summary>The account's name as registered and its password hash; null fields when there is no such account.</summary>
    public sealed record Credentials(string? Username, string? PasswordHash) : IWireMessage;

    private AccountRegistered? _account;

    public AccountActor(string key)
    {
        PersistenceId = "account-" + key;

        Recover<AccountRegistered>(registered => _account = registered);

        Command<Register>(register =>
        {
            if (_account is not null)
            {
                Sender.Tell(new UsernameTaken());
                return;
            }
            Persist(new AccountRegistered(register.Username, register.PasswordHash, DateTimeOffset.UtcNow), registered =>
            {
                _account = registered;
                Sender.Tell(new Registered(registered.Username));
            });
        });
        Command<GetCredentials>(_ => Sender.Tell(new Credentials(_account?.Username, _account?.PasswordHash)));
    }

    public override string PersistenceId { get; }

    public static string KeyOf(string username) => username.ToLowerInvariant();
}
