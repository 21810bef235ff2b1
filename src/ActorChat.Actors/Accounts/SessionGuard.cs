using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ActorChat.Accounts;

/// <summary>What a node can say about a token's session.</summary>
public enum SessionStatus
{
    /// <summary>Not signed out, as far as the account (or, while it is unreachable, this node's copy) knows.</summary>
    Valid,

    /// <summary>Signed out: by its own logout, or by a sign-out everywhere after it began.</summary>
    SignedOut,

    /// <summary>The account did not answer in time and this node has heard nothing of it.</summary>
    Unknown,
}

/// <summary>
/// This node's view of which sessions are signed out. The account is the authority; the node keeps the last
/// <see cref="AccountSecurity"/> it heard of each account (from an answer, or published by the account when it
/// changes) so that checks are local and go on while an account's node is lost.
/// </summary>
public sealed class SessionGuard : IExtension
{
    /// <summary>This node's guard, started with the node so that it hears every change from the first moment.</summary>
    public static SessionGuard Get(ActorSystem system) => system.WithExtension<SessionGuard, Provider>();

    private sealed class Provider : ExtensionIdProvider<SessionGuard>
    {
        public override SessionGuard CreateExtension(ExtendedActorSystem system) =>
            new(system, Akka.Cluster.Sharding.ClusterSharding.Get(system).ShardRegion(AccountActor.RegionName),
                checkTimeout: TimeSpan.FromSeconds(2), changeTimeout: TimeSpan.FromSeconds(10));
    }

    /// <summary>A copy older than this is asked again before a connect is decided on it.</summary>
    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(5);

    private readonly IActorRef _accounts;
    private readonly TimeSpan _checkTimeout;
    private readonly TimeSpan _changeTimeout;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (AccountSecurity Security, long HeardAt)> _known = new(StringComparer.Ordinal);

    /// <param name="checkTimeout">How long a check waits for the account before it decides on what this node last heard.</param>
    /// <param name="changeTimeout">How long a sign-out waits for the account to store it.</param>
    public SessionGuard(ActorSystem system, IActorRef accounts, TimeSpan checkTimeout, TimeSpan changeTimeout, TimeProvider? clock = null)
    {
        _accounts = accounts;
        _checkTimeout = checkTimeout;
        _changeTimeout = changeTimeout;
        _clock = clock ?? TimeProvider.System;
        system.ActorOf(Props.Create(() => new Listener(this)).WithDeploy(Deploy.Local), "session-guard");
    }

    /// <summary>
    /// What this node knows of the ticket's session without asking anyone: <see cref="SessionStatus.Unknown"/> when it
    /// has heard nothing of the account lately. Deciding a connect on it costs no round trip; the connection then
    /// registers with its account, which has the last word.
    /// </summary>
    public SessionStatus Known(AuthTicket ticket) =>
        _known.TryGetValue(AccountActor.KeyOf(ticket.User), out var known) && _clock.GetElapsedTime(known.HeardAt) < Fresh
            ? Decide(known.Security, ticket)
            : SessionStatus.Unknown;

    /// <summary>
    /// Asks the account about a token's session (to renew it, say); while the account cannot answer, what this node
    /// last heard of it, however old.
    /// </summary>
    public async Task<SessionStatus> CheckAsync(AuthTicket ticket, CancellationToken cancel)
    {
        try
        {
            var security = await _accounts.Ask<AccountSecurity>(new GetSecurity(ticket.User), _checkTimeout, cancel);
            Heard(security);
            return Decide(security, ticket);
        }
        catch (AskTimeoutException)
        {
            // The account's node is lost and the account not yet restarted elsewhere: what this node last heard.
            return _known.TryGetValue(AccountActor.KeyOf(ticket.User), out var last) ? Decide(last.Security, ticket) : SessionStatus.Unknown;
        }
    }

    /// <summary>Signs the ticket's session out, on every node.</summary>
    public async Task RevokeAsync(AuthTicket ticket, DateTimeOffset until, CancellationToken cancel) =>
        Heard(await _accounts.Ask<AccountSecurity>(new RevokeSession(ticket.User, ticket.Session, until), _changeTimeout, cancel));

    /// <summary>Signs every session of the user begun so far out, on every node.</summary>
    public async Task RevokeAllAsync(string user, CancellationToken cancel) =>
        Heard(await _accounts.Ask<AccountSecurity>(new RevokeAllSessions(user), _changeTimeout, cancel));

    private static SessionStatus Decide(AccountSecurity security, AuthTicket ticket) =>
        security.Allows(ticket) ? SessionStatus.Valid : SessionStatus.SignedOut;

    /// <summary>Keeps the account's latest word (from an answer, a publication, or a connection's registration).</summary>
    public void Heard(AccountSecurity security)
    {
        var now = _clock.GetTimestamp();
        _known.AddOrUpdate(security.Key, (security, now), (_, _) => (security, now));
        // Copies too old to decide on are dropped now and then, so the map holds about the recently active accounts.
        if (_known.Count > 10_000 && Interlocked.Increment(ref _sweeps) % 1_000 == 0)
        {
            foreach (var (key, entry) in _known)
            {
                if (_clock.GetElapsedTime(entry.HeardAt) > Fresh)
                    _known.TryRemove(key, out _);
            }
        }
    }

    private long _sweeps;

    /// <summary>
    /// Hears every account's changes, published cluster-wide, and what accounts answer this node's connections when
    /// they register (on the local event stream).
    /// </summary>
    private sealed class Listener : ReceiveActor
    {
        public Listener(SessionGuard guard)
        {
            Receive<AccountSecurity>(guard.Heard);
            Receive<SubscribeAck>(_ => { });
        }

        protected override void PreStart()
        {
            DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(AccountActor.SecurityTopic, Self));
            Context.System.EventStream.Subscribe(Self, typeof(AccountSecurity));
        }
    }
}
