using ActorChat.Serialization;
using ActorChat.Storage;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;

namespace ActorChat.Accounts;

/// <summary>
/// One account, keyed by its case-folded name: the single place, on whichever node it lives, that decides whether
/// the name is taken, which of its sessions are signed out, which connections the user has open across the
/// cluster (to cap them, and to close those of a session the moment it is signed out), and which rooms the user
/// has (see <see cref="AccountRoomList"/>), with the invitations the user may still send (<see cref="InvitationBudget"/>).
/// </summary>
public sealed class AccountActor : ReceivePersistentActor, IWithTimers
{
    /// <summary>The pub-sub topic on which every change of an account's <see cref="AccountSecurity"/> is published.</summary>
    public const string SecurityTopic = "account-security";

    /// <summary>The name of the accounts' shard region.</summary>
    public const string RegionName = "accounts";

    private readonly string _key;
    private readonly int _maxConnections;
    private readonly IActorRef _securityChanges;
    private readonly IActorRef? _roomRegion;
    private readonly TimeProvider _clock;
    private readonly InvitationLimits _invitations;
    private readonly Dictionary<IActorRef, string> _connections = [];
    private readonly Dictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);
    private AccountRegistered? _account;
    private AccountSuspended? _suspension;
    private readonly Dictionary<string, string> _blocked = new(StringComparer.OrdinalIgnoreCase);
    private ProfileChanged? _profile;
    private readonly TokenBucket _profileChanges;
    private long _generation;
    private readonly AccountRoomList _rooms;
    private readonly InvitationBudget _invitationBudget;
    private int _retiredEvents;

    /// <param name="key">The case-folded user name.</param>
    /// <param name="maxConnections">Connections the user may have open at once, on all nodes together.</param>
    /// <param name="securityChanges">Where changes are published: the cluster's pub-sub mediator.</param>
    /// <param name="invitations">How far the user may invite and be invited; <see cref="InvitationLimits.Default"/> when null.</param>
    /// <param name="rooms">The rooms' shard region, told of each profile change for the rooms the user lists; none: not told.</param>
    public AccountActor(string key, int maxConnections, IActorRef securityChanges, TimeProvider? clock = null, InvitationLimits? invitations = null,
        IActorRef? rooms = null)
    {
        _key = key;
        _maxConnections = maxConnections;
        _securityChanges = securityChanges;
        _roomRegion = rooms;
        _clock = clock ?? TimeProvider.System;
        _invitations = invitations ?? InvitationLimits.Default;
        PersistenceId = "account-" + key;
        _invitationBudget = new InvitationBudget(_invitations, _clock);
        _profileChanges = new TokenBucket(ProfileChangesPerHour / 3600.0, ProfileChangeBurst, _clock);
        _rooms = new AccountRoomList(key, MessageTable.Get(Context.System).Members, _clock, _invitations, Self, _connections.Keys, Context.GetLogger());
        // Accounts never save snapshots: recovery reads the journal alone, one query fewer on every activation.
        Recovery = new Recovery(SnapshotSelectionCriteria.None);

        Recover<AccountRegistered>(registered => _account = registered);
        Recover<SessionRevoked>(revoked => _revoked[revoked.Session] = revoked.Until);
        Recover<AllSessionsRevoked>(revoked => Apply(revoked));
        Recover<AccountSuspended>(suspended => _suspension = suspended);
        Recover<SuspensionLifted>(_ => _suspension = null);
        Recover<UserBlocked>(blocked => _blocked[blocked.User] = blocked.User);
        Recover<UserUnblocked>(unblocked => _blocked.Remove(unblocked.User));
        Recover<ProfileChanged>(changed => _profile = changed);
        // The room list of earlier versions: the message table holds it too, and is read instead (AccountRoomList).
        // A journal that still has them is compacted once it is recovered (see CompactRetiredEvents).
        Recover<RoomListed>(_ => _retiredEvents++);
        Recover<RoomUnlisted>(_ => _retiredEvents++);
        Recover<RecoveryCompleted>(_ =>
        {
            if (_retiredEvents > 0)
                CompactRetiredEvents();
            // The profiles' table is derived: written again at every start, in case the last write after a change failed.
            if (_account is not null && _profile is not null)
                WriteProfileRow(Profile());
        });

        Command<Register>(register =>
        {
            if (_account is not null)
            {
                Sender.Tell(new UsernameTaken());
                return;
            }
            Persist(new AccountRegistered(register.Username, register.PasswordHash, _clock.GetUtcNow()), registered =>
            {
                _account = registered;
                Sender.Tell(new Registered(registered.Username));
            });
        });
        Command<GetCredentials>(_ => Sender.Tell(new AccountCredentials(_account?.Username, _account?.PasswordHash, _generation,
            Suspended() ? Suspension() : null)));
        // Suspended by an administrator: every session signed out at once, wherever its connections are, and no new
        // one until the suspension ends or is lifted. The account's messages stay.
        Command<SuspendAccount>(suspend =>
        {
            if (_account is null)
            {
                Sender.Tell(new AccountSuspension(null, false));
                return;
            }
            IStoredRecord[] events = [new AccountSuspended(suspend.By, suspend.Reason, suspend.Until, _clock.GetUtcNow()), new AllSessionsRevoked(_generation + 1)];
            PersistAll(events, stored =>
            {
                if (stored is AccountSuspended suspended)
                {
                    _suspension = suspended;
                    return;
                }
                Apply((AllSessionsRevoked)stored);
                EndConnections(_ => true, ConnectionRefused.Suspended);
                Publish(Security());
                Sender.Tell(Suspension());
            });
        });
        Command<LiftSuspension>(lift =>
        {
            if (_account is null || !Suspended())
            {
                Sender.Tell(_account is null ? new AccountSuspension(null, false) : Suspension());
                return;
            }
            Persist(new SuspensionLifted(lift.By, _clock.GetUtcNow()), _ =>
            {
                _suspension = null;
                Sender.Tell(Suspension());
            });
        });
        Command<GetSecurity>(_ => Sender.Tell(Security()));
        Command<OpenConnection>(Open);
        Command<RevokeSession>(revoke =>
        {
            if (_revoked.ContainsKey(revoke.Session))
            {
                Sender.Tell(Security());
                return;
            }
            Persist(new SessionRevoked(revoke.Session, revoke.Until), revoked =>
            {
                _revoked[revoked.Session] = revoked.Until;
                EndConnections(session => session == revoked.Session);
                Changed();
            });
        });
        Command<RevokeAllSessions>(_ => Persist(new AllSessionsRevoked(_generation + 1), revoked =>
        {
            Apply(revoked);
            EndConnections(_ => true);
            Changed();
        }));
        // The room list: the account routes each command to the list it owns, and what comes back for the list to it.
        Command<ListRoom>(list =>
        {
            // An invitation for a name nobody registered lists nothing: whoever registers it later starts with no rooms.
            if (_account is not null)
                _rooms.Handle(list, Sender, Name);
        });
        Command<UnlistRoom>(unlist => _rooms.Handle(unlist, Sender, Name));
        Command<SetRoomNotify>(set => _rooms.Handle(set, Sender, Name));
        Command<GetRooms>(get => _rooms.Handle(get, Sender, Name));
        Command<CheckInvitation>(check =>
        {
            if (_account is null)
                Sender.Tell(new InvitationAnswer(Protocol.ErrorCodes.NotFound, $"no user '{check.Username}'"));
            else if (_blocked.ContainsKey(check.Inviter))
                Sender.Tell(new InvitationAnswer(Protocol.ErrorCodes.Forbidden, $"'{Name}' does not take invitations from you"));
            else
                _rooms.Handle(check, Sender, Name);
        });
        // Blocks: the user's own, told to every device of theirs; asked of by whoever would open a conversation.
        Command<GetBlocks>(_ => Sender.Tell(Blocks()));
        Command<CheckContact>(check => Sender.Tell(new ContactAnswer(_account?.Username, _blocked.ContainsKey(check.From))));
        Command<ChangeBlock>(change =>
        {
            if (change.Block == _blocked.ContainsKey(change.Other))
            {
                Sender.Tell(Blocks());
                return;
            }
            if (change.Block && _blocked.Count >= MaxBlocks)
            {
                Sender.Tell(Blocks() with { Refusal = $"at most {MaxBlocks} users may be blocked; unblock one first" });
                return;
            }
            var now = _clock.GetUtcNow();
            IStoredRecord stored = change.Block ? new UserBlocked(change.Other, now) : new UserUnblocked(change.Other, now);
            Persist(stored, _ =>
            {
                if (change.Block)
                    _blocked[change.Other] = change.Other;
                else
                    _blocked.Remove(change.Other);
                var blocks = Blocks();
                Sender.Tell(blocks);
                foreach (var connection in _connections.Keys.Where(connection => !connection.Equals(Sender)))
                    connection.Tell(blocks);
            });
        });
        Command<SetProfile>(ChangeProfile);
        Command<ProfileRowWritten>(TellProfile);
        Command<SpendInvitation>(_ => Sender.Tell(_invitationBudget.Spend()));
        Command<AccountRoomList.RoomsRead>(read => _rooms.OnRead(read, Name));
        Command<AccountRoomList.RoomsUnreadable>(unreadable => _rooms.OnUnreadable(unreadable, Timers));
        Command<AccountRoomList.ReadRoomsAgain>(_ => _rooms.Read());
        Command<ListSteps.StepDone>(done => _rooms.OnStepDone(done));
        Command<Terminated>(terminated =>
        {
            _connections.Remove(terminated.ActorRef);
            IdleWhenUnused();
        });
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(Stop.Instance)));
        Command<Stop>(_ => Context.Stop(Self));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failure =>
            Context.GetLogger().Warning(failure.Cause, "The retired events of {0} could not be deleted; they are read past until they are", _key));
    }

    public override string PersistenceId { get; }

    /// <summary>
    /// How the shard stops an account, passivated or handed over to another node (the region's hand-off stop
    /// message). A command, unlike a <see cref="PoisonPill"/>: it waits, stashed, while a write is in flight, so the
    /// write's sender is answered and the account's next incarnation recovers after it.
    /// </summary>
    public static object StopMessage => Stop.Instance;

    private sealed record Stop : INoSerializationVerificationNeeded
    {
        public static readonly Stop Instance = new();
    }

    // A write the journal refused (this node may not write now) would leave a hole in the numbering: stop, and let
    // the next message recover the account from the journal.
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        Context.Stop(Self);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // The account's name as registered, for what the user is told of it.
    private string Name => _account?.Username ?? _key;

    public override Recovery Recovery { get; }

    public static string KeyOf(string username) => username.ToLowerInvariant();

    public static Props PropsFor(string key, int maxConnections, IActorRef securityChanges, InvitationLimits? invitations = null, TimeProvider? clock = null,
        IActorRef? rooms = null) =>
        Hosting.FactoryProps.Of(() => new AccountActor(key, maxConnections, securityChanges, clock, invitations, rooms));

    /// <summary>
    /// Profile changes a user may make in a row, and how many come back an hour: each one is told to every room the
    /// user lists (up to <see cref="AccountRooms.MaxRooms"/>), so changes cannot be a way to keep a thousand rooms busy.
    /// </summary>
    public const int ProfileChangeBurst = 10;

    public const int ProfileChangesPerHour = 30;

    /// <summary>The user's profile as it stands: revision 0, all unset, before the first change.</summary>
    private UserProfile Profile() => new(Name, _profile?.Name, _profile?.Status, _profile?.Avatar, _profile?.Rev ?? 0);

    /// <summary>
    /// Stores the profile the edit makes, then tells it to the asker, to the user's other connections and to every room
    /// the user lists (whose members present see it at once), and writes the profiles' row. An edit that changes
    /// nothing is answered with the profile as it is, and stores nothing.
    /// </summary>
    private void ChangeProfile(SetProfile set)
    {
        if (_account is null)
        {
            Sender.Tell(new ProfileRefused(Protocol.ErrorCodes.NotFound, $"no user '{set.Username}'"));
            return;
        }
        var current = Profile();
        var (name, status, avatar) = set.Edit.Apply(current);
        if (name == current.Name && status == current.Status && avatar == current.Avatar)
        {
            Sender.Tell(current);
            return;
        }
        if (!_profileChanges.TryTake())
        {
            Sender.Tell(new ProfileRefused(Protocol.ErrorCodes.RateLimited,
                $"at most {ProfileChangeBurst} profile changes in a row; the next in {Math.Ceiling(_profileChanges.UntilNext().TotalSeconds)} s"));
            return;
        }
        Persist(new ProfileChanged(name, status, avatar, current.Rev + 1, _clock.GetUtcNow()), changed =>
        {
            _profile = changed;
            // The row first, so that whoever hears of the change can look it up and fetch the avatar at once.
            var (profile, asker) = (Profile(), Sender);
            MessageTable.Get(Context.System).Profiles.WriteAsync(profile).PipeTo(Self,
                success: () => new ProfileRowWritten(profile, asker, null),
                failure: e => new ProfileRowWritten(profile, asker, e));
        });
    }

    /// <summary>The profiles' row of a change was written (or could not be): the change is told.</summary>
    private sealed record ProfileRowWritten(UserProfile Profile, IActorRef Asker, Exception? Failure) : INoSerializationVerificationNeeded;

    private void TellProfile(ProfileRowWritten written)
    {
        if (written.Failure is { } failure)
            Context.GetLogger().Warning(failure, "The profile of {0} could not be written to the table; it is written again when the account next starts", _key);
        var (profile, asker) = (written.Profile, written.Asker);
        asker.Tell(profile);
        foreach (var connection in _connections.Keys.Where(connection => !connection.Equals(asker)))
            connection.Tell(profile);
        if (_roomRegion is { } region)
            _rooms.WhenKnown(rooms => { foreach (var room in rooms) region.Tell(new Rooms.ShareProfile(room.Room, profile)); });
    }

    private void WriteProfileRow(UserProfile profile)
    {
        var log = Context.GetLogger();
        var key = _key;
        MessageTable.Get(Context.System).Profiles.WriteAsync(profile).ContinueWith(
            failed => log.Warning(failed.Exception?.GetBaseException(), "The profile of {0} could not be written to the table; it is written again when the account next starts", key),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    protected override void OnReplaySuccess()
    {
        Prune();
        IdleWhenUnused();
    }

    /// <summary>
    /// Takes the events of earlier versions out of the journal: the account's state is stored again as the events
    /// that make it (the registration, the generation, each session still signed out), then every event before them
    /// is deleted. Crashing in between leaves both copies, which recover to the same state, and the next recovery
    /// compacts again. Accounts keep no snapshots, so that recovery stays one query.
    /// </summary>
    private void CompactRetiredEvents()
    {
        var before = LastSequenceNr;
        var state = new List<IStoredRecord>();
        if (_account is not null)
            state.Add(_account);
        if (_suspension is not null)
            state.Add(_suspension);
        state.AddRange(_blocked.Values.Select(user => new UserBlocked(user, _clock.GetUtcNow())));
        if (_profile is not null)
            state.Add(_profile);
        if (_generation > 0)
            state.Add(new AllSessionsRevoked(_generation));
        state.AddRange(_revoked.Select(revoked => new SessionRevoked(revoked.Key, revoked.Value)));
        PersistAll(state, _ => { });
        DeferAsync(before, DeleteMessages);
        Context.GetLogger().Info("Compacting the journal of {0}: {1} events of an earlier version", _key, _retiredEvents);
        _retiredEvents = 0;
    }

    private void Open(OpenConnection open)
    {
        if (Suspended())
        {
            Sender.Tell(new ConnectionRefused(_key, ConnectionRefused.Suspended));
            return;
        }
        if (_revoked.ContainsKey(open.Session) || open.Generation < _generation)
        {
            Sender.Tell(new ConnectionRefused(_key, ConnectionRefused.SignedOut));
            return;
        }
        if (!_connections.ContainsKey(open.Connection) && _connections.Count >= _maxConnections)
        {
            Sender.Tell(new ConnectionRefused(_key, ConnectionRefused.TooManyConnections));
            return;
        }
        // A connection that registers again may come with a renewed token of another session.
        _connections[open.Connection] = open.Session;
        Context.Watch(open.Connection);
        SetReceiveTimeout(null);
        Sender.Tell(new ConnectionOpened(Security()));
    }

    private void EndConnections(Func<string, bool> ofSession, string reason = "")
    {
        foreach (var connection in _connections.Where(entry => ofSession(entry.Value)).Select(entry => entry.Key).ToList())
        {
            connection.Tell(new SessionEnded(_key, reason));
            Context.Unwatch(connection);
            _connections.Remove(connection);
        }
        IdleWhenUnused();
    }

    private void Apply(AllSessionsRevoked revoked)
    {
        _generation = revoked.Generation;
        // Every session the list named began before the new generation: the generation alone now refuses them.
        _revoked.Clear();
    }

    private void Changed()
    {
        Prune();
        var security = Security();
        Sender.Tell(security);
        Publish(security);
    }

    // Every node hears the account's new word on its sessions, and refuses their tokens from now on.
    private void Publish(AccountSecurity security) => _securityChanges.Tell(new Publish(SecurityTopic, security));

    private bool Suspended() => _suspension is not null && _suspension.Holds(_clock.GetUtcNow());

    private AccountSuspension Suspension() => Suspended()
        ? new AccountSuspension(Name, true, _suspension!.Reason, _suspension.Until)
        : new AccountSuspension(Name, false);

    private void Prune()
    {
        var now = _clock.GetUtcNow();
        foreach (var session in _revoked.Where(entry => entry.Value <= now).Select(entry => entry.Key).ToList())
            _revoked.Remove(session);
    }

    /// <summary>How many users one user may block.</summary>
    public const int MaxBlocks = 1000;

    private BlockList Blocks() => new([.. _blocked.Values.Order(StringComparer.OrdinalIgnoreCase)]);

    private AccountSecurity Security() => new(_key, _generation, [.. _revoked.Keys]);

    // Nothing to keep in memory for: an account with no open connection stops after a quiet spell, and recovers
    // from the journal when next asked; one whose invitation or profile budget is not full again stays until it is,
    // so that signing out and in again does not refill them.
    private void IdleWhenUnused()
    {
        if (_connections.Count == 0)
            SetReceiveTimeout(new[] { IdleTimeout, _invitationBudget.UntilFull() ?? TimeSpan.Zero, _profileChanges.UntilFull() }.Max());
    }

    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(2);
}
