using ActorChat.Accounts;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// A connection's standing with its user's account, which counts the user's connections across the cluster and
/// closes those of a session signed out. Until the account answers, the registration goes again on the
/// connection's backoff (the account may be moving). When this node knew nothing of the account, the client's
/// frames wait for that answer, so that a signed-out token does nothing; but only for a grace period: an account
/// that cannot answer (its node lost) must not stop a valid user, and it still closes a signed-out one later.
/// </summary>
internal sealed class AccountLink
{
    public sealed record RegisterTick : INoSerializationVerificationNeeded
    {
        public static readonly RegisterTick Instance = new();
    }

    public sealed record ConfirmationOverdue : INoSerializationVerificationNeeded
    {
        public static readonly ConfirmationOverdue Instance = new();
    }

    /// <summary>How long a connection's frames wait for its account to confirm the session before they go ahead anyway.</summary>
    private static readonly TimeSpan ConfirmationGrace = TimeSpan.FromSeconds(2);

    private readonly IActorRef _accounts;
    private readonly IActorRef _connection;
    private ITimerScheduler _timers = null!;
    private readonly Func<int, TimeSpan> _backoff;

    // The user's account, once it has counted this connection; null while the registration is on its way.
    private IActorRef? _account;
    private int _attempts;

    /// <param name="confirmed">False when this node knew nothing of the account: the client's frames then wait.</param>
    public AccountLink(AuthTicket ticket, bool confirmed, IActorRef accounts, IActorRef connection, Func<int, TimeSpan> backoff)
    {
        Ticket = ticket;
        Holding = !confirmed;
        _accounts = accounts;
        _connection = connection;
        _backoff = backoff;
    }

    /// <summary>The credential the account knows this connection by: its session is the one whose sign-out closes it.</summary>
    public AuthTicket Ticket { get; private set; }

    /// <summary>True while the client's frames wait for the account's answer.</summary>
    public bool Holding { get; private set; }

    /// <summary>Registers with the account; <paramref name="timers"/> are the connection's, for the retries and the grace.</summary>
    public void Start(ITimerScheduler timers)
    {
        _timers = timers;
        Register();
        if (Holding)
            _timers.StartSingleTimer(nameof(ConfirmationOverdue), ConfirmationOverdue.Instance, ConfirmationGrace);
    }

    public bool IsAccount(IActorRef actor) => actor.Equals(_account);

    /// <summary>The account moved (its node was lost) or failed: register with its next incarnation.</summary>
    public void AccountLost()
    {
        _account = null;
        Register();
    }

    public void RegisterDue()
    {
        if (_account is null)
            Register();
    }

    /// <summary>The account counted this connection (the caller watches it), which ends any wait.</summary>
    public void Opened(IActorRef account)
    {
        _account = account;
        _attempts = 0;
        _timers.Cancel(nameof(RegisterTick));
        Release();
    }

    /// <summary>Ends the wait: the client's frames go ahead.</summary>
    public void Release()
    {
        if (!Holding)
            return;
        Holding = false;
        _timers.Cancel(nameof(ConfirmationOverdue));
    }

    /// <summary>A renewed token: one of another sign-in moves this connection to that session.</summary>
    public void Renewed(AuthTicket ticket)
    {
        if (ticket.Session == Ticket.Session && ticket.Generation == Ticket.Generation)
            return;
        Ticket = ticket;
        _attempts = 0;
        Register();
    }

    private void Register()
    {
        _accounts.Tell(new OpenConnection(Ticket.User, Ticket.Session, Ticket.Generation, _connection), _connection);
        _timers.StartSingleTimer(nameof(RegisterTick), RegisterTick.Instance, _backoff(_attempts++));
    }
}
