using ActorChat.Accounts;
using ActorChat.Delivery;
using ActorChat.Diagnostics;
using ActorChat.Hosting;
using ActorChat.Protocol;
using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// One client's WebSocket on this node: knows the user and the rooms it joined, turns the client's frames into
/// room commands, and writes every frame bound for the client into its bounded outbound queue.
/// </summary>
/// <remarks>
/// The actor keeps the message switch and the client's queue; each concern is a type that owns its state:
/// <see cref="ConnectionRooms"/> (joins, sends, acks and their retries), <see cref="AccountLink"/> (the account's
/// confirmation of the session), <see cref="PhotoClaims"/>, <see cref="FollowedRooms"/> (the room list and the
/// directory), <see cref="DirectRooms"/>, <see cref="TokenLifetime"/>, and <see cref="FrameAdmission"/> (the rate
/// limit, and frames waiting their turn). An <see cref="UntypedActor"/> with one switch: there is one of these per
/// socket, and a <see cref="ReceiveActor"/> builds its handler tables per instance, about half a kilobyte each.
/// </remarks>
public sealed class ConnectionActor : UntypedActor, IWithTimers, IClientOutput
{
    /// <summary>The socket is gone; the connection stops and so leaves every room.</summary>
    public sealed record SocketClosed : INoSerializationVerificationNeeded
    {
        public static readonly SocketClosed Instance = new();
    }

    private readonly string _user;
    private readonly Outbox _outbound;
    private readonly IActorRef _region;
    private readonly FrameAdmission _frames;
    private readonly ConnectionRooms _rooms;
    private readonly AccountLink _account;
    private readonly PhotoClaims _photos;
    private readonly FollowedRooms _followed;
    private readonly DirectRooms _direct;
    private readonly TokenLifetime _token;
    private readonly AdminActions _adminActions;
    private readonly UserBlocks _blocks;
    private readonly ProfileEdits _profiles;
    private readonly MessageSearches _searches;
    private readonly bool _admin;

    public ConnectionActor(AuthTicket ticket, string session, Outbox outbound, IActorRef rooms, IActorRef accounts,
        TokenService tokens, ConnectionSettings settings, TimeProvider clock, bool sessionConfirmed)
    {
        _user = ticket.User;
        _adminActions = new AdminActions(_user, SettingsSetup.Find<AdminSettings>(Context.System), accounts, clock, this);
        _admin = _adminActions.IsAdmin;
        _outbound = outbound;
        _region = rooms;
        _rooms = new ConnectionRooms(_user, settings, clock, rooms, DeliveryHubs.Get(Context.System), this, Context);
        _account = new AccountLink(ticket, sessionConfirmed, accounts, Self, _rooms.Backoff);
        _photos = new PhotoClaims(_user, Context.System, _rooms, this);
        _profiles = new ProfileEdits(_user, accounts, Context.System, this);
        // While the session awaits its account's confirmation or a photo is being claimed, frames wait their turn.
        _frames = new FrameAdmission(settings, clock, () => _account.Holding || _photos.Claiming || _profiles.Claiming, Answer, this);
        _followed = new FollowedRooms(_user, accounts, settings.RetryInterval, Context.System, _rooms, this);
        _direct = new DirectRooms(_user, accounts, settings.RetryInterval, _rooms, this);
        _blocks = new UserBlocks(_user, accounts, settings.RetryInterval, this);
        _searches = new MessageSearches(_user, accounts, Storage.MessageTable.Get(Context.System), settings.RetryInterval, clock, this);
        _token = new TokenLifetime(_user, ticket.ExpiresAt, tokens, clock, this);

        Send(ServerFrames.Welcome(_user, session, _admin));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case DeliverSequenced sequenced: _rooms.Sequenced(sequenced); break;
            case Acked acked: _rooms.Acked(acked); break;
            case Deliver deliver: Send(deliver.Frame); break;
            case ClientFrame frame: _frames.Arrived(frame); break;
            case DeliverBatch batch: Send(batch.Frames); break;
            case NotMember notMember: _rooms.NotMember(notMember); break;
            case JoinedRoom joined:
                if (_rooms.Joined(joined, Sender))
                    _followed.Joined(joined);
                break;
            case LeftRoom left: _rooms.Left(left); break;
            case JoinRefused refused: _rooms.Refused(refused); break;
            case SendRefused refused: _rooms.Refused(refused); break;
            case ConnectionRooms.RetryTick: _rooms.RetryUnanswered(); break;
            case PhotoClaims.Claimed claimed:
                _photos.Answered(claimed);
                _frames.WaitOver();
                break;
            case DirectRooms.PeerChecked peer: _direct.Checked(peer); break;
            case RoomListChange change: _followed.Changed(change); break;
            case RoomNotifyChange change: _followed.NotifyChanged(change); break;
            case FollowedRooms.Read read: _followed.Follow(read); break;
            case Terminated terminated when _account.IsAccount(terminated.ActorRef): _account.AccountLost(); break;
            case Terminated terminated: _rooms.Stopped(terminated.ActorRef); break;
            case ConnectionOpened opened:
                Context.Watch(Sender);
                // This node's session guard keeps the account's word, so that the user's next connect here is decided at once.
                Context.System.EventStream.Publish(opened.Security);
                _account.Opened(Sender);
                _frames.WaitOver();
                break;
            case AccountLink.ConfirmationOverdue:
                _account.Release();
                _frames.WaitOver();
                break;
            case ConnectionRefused refused:
                Close(refused.Reason switch
                {
                    ConnectionRefused.TooManyConnections => CloseReasons.TooManyConnections,
                    ConnectionRefused.Suspended => CloseReasons.Suspended,
                    _ => CloseReasons.SignedOut,
                });
                break;
            case SessionEnded ended: Close(ended.Reason == ConnectionRefused.Suspended ? CloseReasons.Suspended : CloseReasons.SignedOut); break;
            case AdminActions.Answered answered: _adminActions.Answer(answered); break;
            case AdminActions.ReportsRead read: _adminActions.Answer(read); break;
            case UserBlocks.TargetChecked target: _blocks.Checked(target, Self); break;
            case BlockList blocks: _blocks.Listed(blocks); break;
            case ProfileEdits.AvatarClaimed claimed:
                _profiles.Claimed(claimed, Self);
                _frames.WaitOver();
                break;
            case ProfileEdits.Read read: _profiles.Answer(read); break;
            case UserProfile profile: _profiles.Changed(profile); break;
            case ProfileRefused refused: _profiles.Refused(refused); break;
            case MessageSearches.Done done: _searches.Finished(done); break;
            case AccountLink.RegisterTick: _account.RegisterDue(); break;
            case TokenLifetime.Expired: _token.Due(); break;
            case SocketClosed: Context.Stop(Self); break;
            default: Unhandled(message); break;
        }
    }

    // What each of the client's frames does, once past the rate limit: a room command, a question to the account or
    // the photo store, or an answer of the connection's own.
    private void Answer(ClientFrame frame)
    {
        switch (frame)
        {
            case JoinFrame join: _rooms.Join(join); break;
            case LeaveFrame leave when _rooms.Contains(leave.Room): _rooms.LeaveIfJoined(leave.Room); break;
            case SendFrame send when _rooms.IsJoined(send):
                if (!_rooms.Send(send))
                    _photos.Claim(send, Self);
                break;
            case ChangeFrame change when _rooms.IsJoined(change):
                _region.Tell(new ChangeMessage(change.Room, _user, change.Id, change.Seq, change.Kind, change.Value));
                break;
            case CreateFrame create: _rooms.Create(create); break;
            // The room decides: it checks the owner first, then asks the accounts whether the invitation may go on.
            case MembershipFrame membership when _rooms.IsJoined(membership):
                _region.Tell(new ChangeMembership(membership.Room, _user, membership.User, membership.Invite));
                break;
            case ModerationFrame moderation when _rooms.IsJoined(moderation):
                _rooms.Send(new Moderate(moderation.Room, _user, moderation.Id, moderation.Action, moderation.User, moderation.Role,
                    moderation.Until, moderation.Reason, moderation.Seconds, _admin));
                break;
            case ModerationLogFrame log when _rooms.IsJoined(log):
                _region.Tell(new GetModerationLog(log.Room, _user, log.Before, log.Limit, _admin));
                break;
            case DirectFrame direct: _direct.Open(direct, Self); break;
            case SuspendFrame suspend: _adminActions.Suspend(suspend, Self); break;
            case BlockFrame block: _blocks.Change(block, Self); break;
            case BlocksFrame: _blocks.List(Self); break;
            case ProfileFrame profile: _profiles.Change(profile, Self); break;
            case ProfilesFrame profiles: _profiles.Lookup(profiles, Self); break;
            case SearchFrame search: _searches.Search(search, Self); break;
            case ReportFrame report when _rooms.IsJoined(report):
                _rooms.Send(new ReportMessage(report.Room, _user, report.Id, report.Seq, report.Reason));
                break;
            case ReportsFrame { Room: { } room } reports when _rooms.IsJoined(room, room):
                _region.Tell(new GetReports(room, _user, reports.Before, reports.Limit, _admin, reports.Open));
                break;
            case ResolveFrame resolve when _rooms.IsJoined(resolve):
                _region.Tell(new ResolveReports(resolve.Room, _user, resolve.Id, resolve.Seq, _admin));
                break;
            case ReportsFrame { Room: null } reports: _adminActions.Reports(reports, Self, Storage.MessageTable.Get(Context.System)); break;
            case RoomsFrame: _followed.Ask(Self); break;
            case ForgetFrame forget: _followed.Forget(forget, Self); break;
            case NotifyFrame notify: _followed.SetNotify(notify, Self); break;
            case DirectoryFrame directory: _followed.Directory(directory, Self); break;
            case TypingFrame typing when _rooms.IsJoined(typing): _region.Tell(new Typing(typing.Room, _user)); break;
            case ReadFrame read when _rooms.IsJoined(read): _region.Tell(new MarkRead(read.Room, _user, read.Seq)); break;
            case ReceivedFrame received when _rooms.IsJoined(received): _region.Tell(new MarkReceived(received.Room, _user, received.Seq)); break;
            case HistoryFrame history when _rooms.IsJoined(history): _region.Tell(new GetHistory(history.Room, history.Before, history.Limit)); break;
            case LeaveFrame leave: SendError(ErrorCodes.NotJoined, $"not in room '{leave.Room}'", leave.Room); break;
            case PingFrame: Send(ServerFrames.Pong); break;
            case RefreshFrame refresh:
                // A token of another sign-in: the account now closes this connection when that session is signed out.
                if (_token.Refresh(refresh) is { } ticket)
                    _account.Renewed(ticket);
                break;
            case RejectedFrame rejected: Send(ServerFrames.Error(rejected.Error)); break;
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="sessionConfirmed">
    /// False when this node knew nothing of the account: the client's frames then wait until the account confirms.
    /// </param>
    public static Props PropsFor(AuthTicket ticket, string session, Outbox outbound, IActorRef rooms, IActorRef accounts,
        TokenService tokens, ConnectionSettings settings, TimeProvider? clock = null, bool sessionConfirmed = true) =>
        FactoryProps.Of(() => new ConnectionActor(ticket, session, outbound, rooms, accounts, tokens, settings, clock ?? TimeProvider.System, sessionConfirmed))
            .WithMailbox(CompactMailbox.Path);

    protected override void PreStart()
    {
        _rooms.Start(Timers);
        _token.Start(Timers);
        _account.Start(Timers);
    }

    // A close already requested stands (the first one wins). Otherwise the socket is gone already, the node is
    // shutting down, or this actor failed: the client hears which, and may reconnect and resume either way.
    protected override void PostStop() =>
        _outbound.RequestClose(CoordinatedShutdown.Get(Context.System).ShutdownReason is not null ? CloseReasons.ShuttingDown : CloseReasons.InternalError);

    // What it had in memory (unacknowledged sends, where each room stands) is gone with the failure: rather than
    // carry on with a blank slate, the socket closes and the client resumes from what it knows.
    protected override void PreRestart(Exception reason, object message)
    {
        _outbound.RequestClose(CloseReasons.InternalError);
        base.PreRestart(reason, message);
    }

    private void SendError(string code, string message, string? reference = null) =>
        Send(ServerFrames.Error(new ProtocolError(code, message, reference)));

    private void Send(byte[] frame)
    {
        if (_outbound.TryEnqueue(frame))
            ChatMetrics.Deliveries.Add(1);
        else
            Overflowed();
    }

    private void Send(IReadOnlyList<byte[]> frames)
    {
        if (_outbound.TryEnqueue(frames))
            ChatMetrics.Deliveries.Add(frames.Count);
        else
            Overflowed();
    }

    private void Overflowed()
    {
        if (_outbound.Close is not null)
            return;
        ChatMetrics.OutboxOverflows.Add(1);
        Close(CloseReasons.TooSlow);
    }

    private void Close(CloseReason reason)
    {
        _outbound.RequestClose(reason);
        Context.Stop(Self);
    }

    void IClientOutput.Send(byte[] frame) => Send(frame);

    void IClientOutput.Send(IReadOnlyList<byte[]> frames) => Send(frames);

    void IClientOutput.SendError(string code, string message, string? reference) => SendError(code, message, reference);

    void IClientOutput.Close(CloseReason reason) => Close(reason);
}
