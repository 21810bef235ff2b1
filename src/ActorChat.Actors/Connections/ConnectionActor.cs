using System.Net.WebSockets;
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
/// An <see cref="UntypedActor"/> with one switch: there is one of these per socket, and a
/// <see cref="ReceiveActor"/> builds its handler tables per instance, about half a kilobyte each.
/// </remarks>
public sealed partial class ConnectionActor : UntypedActor, IWithTimers
{
    /// <summary>The socket is gone; the connection stops and so leaves every room.</summary>
    public sealed record SocketClosed : INoSerializationVerificationNeeded
    {
        public static readonly SocketClosed Instance = new();
    }

    private sealed record TokenExpired : INoSerializationVerificationNeeded
    {
        public static readonly TokenExpired Instance = new();
    }

    private sealed record RetryTick : INoSerializationVerificationNeeded
    {
        public static readonly RetryTick Instance = new();
    }

    private readonly string _user;
    private readonly Outbox _outbound;
    private readonly IActorRef _rooms;
    private readonly TokenService _tokens;
    private readonly ConnectionSettings _settings;
    private readonly TimeProvider _clock;
    private readonly TokenBucket _rateLimiter;
    private readonly DeliveryHubs _hubs = DeliveryHubs.Get(Context.System);
    private readonly RoomSessions _joined;
    private readonly AccountLink _account;
    private readonly IActorRef _accounts;
    private readonly PendingFrames _pending;
    private DateTimeOffset _expiresAt;

    public ConnectionActor(AuthTicket ticket, string session, Outbox outbound, IActorRef rooms, IActorRef accounts,
        TokenService tokens, ConnectionSettings settings, TimeProvider clock, bool sessionConfirmed)
    {
        _user = ticket.User;
        _expiresAt = ticket.ExpiresAt;
        _outbound = outbound;
        _rooms = rooms;
        _tokens = tokens;
        _settings = settings;
        _clock = clock;
        _rateLimiter = new TokenBucket(settings.FramesPerSecond, settings.FrameBurst, clock);
        _joined = new RoomSessions(_user, settings, clock);
        _account = new AccountLink(ticket, sessionConfirmed, accounts, Self, _joined.Backoff);
        _pending = new PendingFrames(settings.FrameBurst + settings.RateLimitStrikes);
        _accounts = accounts;

        Send(ServerFrames.Welcome(_user, session));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case DeliverSequenced sequenced:
                OnSequenced(sequenced);
                break;
            case Acked acked:
                OnAcked(acked);
                break;
            case Deliver deliver:
                Send(deliver.Frame);
                break;
            case ClientFrame frame:
                OnClientFrame(frame);
                break;
            case AttachmentClaimed claimed:
                OnAttachmentClaimed(claimed);
                break;
            case DeliverBatch batch:
                if (_outbound.TryEnqueue(batch.Frames))
                    ChatMetrics.Deliveries.Add(batch.Frames.Count);
                else
                    Overflowed();
                break;
            case NotMember notMember:
                OnNotMember(notMember);
                break;
            case JoinedRoom joined:
                OnJoinedRoom(joined);
                break;
            case LeftRoom left:
                OnLeftRoom(left);
                break;
            case JoinRefused refused:
                OnJoinRefused(refused);
                break;
            case PeerChecked checkedPeer:
                OnPeerChecked(checkedPeer);
                break;
            case RoomListChange change:
                OnRoomListChange(change);
                break;
            case RoomsRead read:
                OnRoomsRead(read);
                break;
            case Terminated terminated when _account.IsAccount(terminated.ActorRef):
                _account.AccountLost();
                break;
            case Terminated terminated:
                OnRoomStopped(terminated);
                break;
            case ConnectionOpened opened:
                Context.Watch(Sender);
                // This node's session guard keeps the account's word, so that the user's next connect here is decided at once.
                Context.System.EventStream.Publish(opened.Security);
                _account.Opened(Sender);
                AnswerPending();
                break;
            case AccountLink.ConfirmationOverdue:
                _account.Release();
                AnswerPending();
                break;
            case ConnectionRefused refused:
                CloseSocket(refused.Reason == ConnectionRefused.TooManyConnections ? CloseReasons.TooManyConnections : CloseReasons.SignedOut);
                break;
            case SessionEnded:
                CloseSocket(CloseReasons.SignedOut);
                break;
            case AccountLink.RegisterTick:
                _account.RegisterDue();
                break;
            case TokenExpired:
                OnTokenExpired();
                break;
            case RetryTick:
                RetryUnanswered();
                break;
            case SocketClosed:
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="sessionConfirmed">
    /// False when this node knew nothing of the account: the client's frames then wait until the account confirms.
    /// </param>
    public static Props PropsFor(AuthTicket ticket, string session, Outbox outbound, IActorRef rooms, IActorRef accounts,
        TokenService tokens, ConnectionSettings settings, TimeProvider? clock = null, bool sessionConfirmed = true) =>
        FactoryProps.Of(() => new ConnectionActor(ticket, session, outbound, rooms, accounts, tokens, settings, clock ?? TimeProvider.System, sessionConfirmed));

    protected override void PreStart()
    {
        ScheduleExpiry();
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

    private void RetryUnanswered()
    {
        var now = Now;
        var (resend, expired, waiting) = _joined.Due(now);
        // Past the deadline the outcome is unknown to us too: say so, and let the client retry by id.
        foreach (var id in expired)
            SendError(ErrorCodes.Unavailable, "the room could not confirm storage in time; send again with the same id", id);
        foreach (var command in resend)
            _rooms.Tell(command);
        if (!waiting)
            Timers.Cancel(nameof(RetryTick));
        ScheduleJoinRetry(now);
    }

    private void StartRetrying()
    {
        if (!Timers.IsTimerActive(nameof(RetryTick)))
            Timers.StartPeriodicTimer(nameof(RetryTick), RetryTick.Instance, _settings.RetryInterval);
    }

    // Sends are checked on the periodic tick; a join awaiting its answer is checked again when it falls due.
    private void ScheduleJoinRetry(long now)
    {
        if (_joined.NextJoinDue(now) is { } due)
            Timers.StartSingleTimer(JoinRetryTimer, RetryTick.Instance, due);
        else
            Timers.Cancel(JoinRetryTimer);
    }

    private const string JoinRetryTimer = "JoinRetry";

    private void SendError(string code, string message, string? reference = null) =>
        Send(ServerFrames.Error(new ProtocolError(code, message, reference)));

    private void Send(byte[] frame)
    {
        if (_outbound.TryEnqueue(frame))
            ChatMetrics.Deliveries.Add(1);
        else
            Overflowed();
    }

    private void Overflowed()
    {
        if (_outbound.Close is not null)
            return;
        ChatMetrics.OutboxOverflows.Add(1);
        CloseSocket(CloseReasons.TooSlow);
    }

    private void CloseSocket(CloseReason reason)
    {
        _outbound.RequestClose(reason);
        Context.Stop(Self);
    }
}
