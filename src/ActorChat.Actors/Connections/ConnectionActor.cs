using System.Net.WebSockets;
using ActorChat.Accounts;
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
public sealed class ConnectionActor : UntypedActor, IWithTimers
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

    private sealed record RegisterTick : INoSerializationVerificationNeeded
    {
        public static readonly RegisterTick Instance = new();
    }

    private sealed record ConfirmationOverdue : INoSerializationVerificationNeeded
    {
        public static readonly ConfirmationOverdue Instance = new();
    }

    /// <summary>How long a connection's frames wait for its account to confirm the session before they go ahead anyway.</summary>
    private static readonly TimeSpan ConfirmationGrace = TimeSpan.FromSeconds(2);

    private readonly string _user;
    private readonly Outbox _outbound;
    private readonly IActorRef _rooms;
    private readonly IActorRef _accounts;
    private readonly TokenService _tokens;
    private readonly ConnectionSettings _settings;
    private readonly TimeProvider _clock;
    private readonly FrameRateLimiter _rateLimiter;
    private readonly DeliveryHubs _hubs = DeliveryHubs.Get(Context.System);
    private readonly Dictionary<string, RoomSession> _joined = new(StringComparer.Ordinal);
    private AuthTicket _ticket;
    private DateTimeOffset _expiresAt;

    // The user's account, once it has counted this connection; null while the registration is on its way.
    private IActorRef? _account;
    private int _registerAttempts;

    // The client's frames while the session is unconfirmed: this node knew nothing of the account, so the account
    // must answer first (a signed-out token does nothing); null once confirmed, or once the grace has passed (an
    // account that cannot answer, its node lost, must not stop a valid user; it still closes a signed-out one later).
    private Queue<ClientFrame>? _held;

    public ConnectionActor(AuthTicket ticket, string session, Outbox outbound, IActorRef rooms, IActorRef accounts,
        TokenService tokens, ConnectionSettings settings, TimeProvider clock, bool sessionConfirmed)
    {
        if (!sessionConfirmed)
            _held = new Queue<ClientFrame>();
        _user = ticket.User;
        _ticket = ticket;
        _expiresAt = ticket.ExpiresAt;
        _outbound = outbound;
        _rooms = rooms;
        _accounts = accounts;
        _tokens = tokens;
        _settings = settings;
        _clock = clock;
        _rateLimiter = new FrameRateLimiter(settings.FramesPerSecond, settings.FrameBurst, clock);

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
            case ClientFrame frame when _held is not null:
                Hold(frame);
                break;
            case ClientFrame frame:
                OnClientFrame(frame);
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
                Send(left.Frame);
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_account):
                // The account moved (its node was lost) or failed: register with its next incarnation.
                _account = null;
                Register();
                break;
            case Terminated terminated:
                OnRoomStopped(terminated);
                break;
            case AccountActor.ConnectionOpened opened:
                _account = Sender;
                _registerAttempts = 0;
                Context.Watch(Sender);
                Timers.Cancel(nameof(RegisterTick));
                // This node's session guard keeps the account's word, so that the user's next connect here is decided at once.
                Context.System.EventStream.Publish(opened.Security);
                ReleaseHeldFrames();
                break;
            case ConfirmationOverdue:
                ReleaseHeldFrames();
                break;
            case AccountActor.ConnectionRefused refused:
                CloseSocket(refused.Reason == AccountActor.ConnectionRefused.TooManyConnections ? CloseReasons.TooManyConnections : CloseReasons.SignedOut);
                break;
            case AccountActor.SessionEnded:
                CloseSocket(CloseReasons.SignedOut);
                break;
            case RegisterTick when _account is null:
                Register();
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
        Register();
        if (_held is not null)
            Timers.StartSingleTimer(nameof(ConfirmationOverdue), ConfirmationOverdue.Instance, ConfirmationGrace);
    }

    // Bounded like a burst of the rate limiter: past it, a frame is refused as it would be when sent too fast.
    private void Hold(ClientFrame frame)
    {
        if (_held!.Count < _settings.FrameBurst)
            _held.Enqueue(frame);
        else
            SendError(ErrorCodes.RateLimited, "too many frames before the session was confirmed; slow down", RefOf(frame));
    }

    private void ReleaseHeldFrames()
    {
        if (_held is not { } held)
            return;
        _held = null;
        Timers.Cancel(nameof(ConfirmationOverdue));
        while (held.TryDequeue(out var frame))
            OnClientFrame(frame);
    }

    // The account counts the user's connections across the cluster and closes those of a session signed out; until
    // it answers, the registration goes again on the same backoff as a join (the account may be moving).
    private void Register()
    {
        _accounts.Tell(new AccountActor.OpenConnection(_user, _ticket.Session, _ticket.Generation, Self));
        var wait = FirstJoinRetry * Math.Pow(2, Math.Min(_registerAttempts++, 16));
        Timers.StartSingleTimer(nameof(RegisterTick), RegisterTick.Instance, wait < _settings.RetryInterval ? wait : _settings.RetryInterval);
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

    private void OnClientFrame(ClientFrame frame)
    {
        if (!_rateLimiter.TryTake())
        {
            if (_rateLimiter.Strikes >= _settings.RateLimitStrikes)
                CloseSocket(CloseReasons.RateLimitExceeded);
            else
                SendError(ErrorCodes.RateLimited, "too many frames; slow down", RefOf(frame));
            return;
        }

        switch (frame)
        {
            case JoinFrame join:
                OnJoin(join);
                break;
            case LeaveFrame leave when _joined.Remove(leave.Room, out var session):
                if (session.Incarnation is not null)
                    Context.Unwatch(session.Incarnation);
                _rooms.Tell(new Leave(leave.Room, _user));
                break;
            case SendFrame send when IsJoined(send.Room, send.Id):
                OnSend(send, _joined[send.Room]);
                break;
            case TypingFrame typing when IsJoined(typing.Room, typing.Room):
                _rooms.Tell(new Typing(typing.Room, _user));
                break;
            case ReadFrame read when IsJoined(read.Room, read.Room):
                _rooms.Tell(new MarkRead(read.Room, _user, read.Seq));
                break;
            case HistoryFrame history when IsJoined(history.Room, history.Room):
                _rooms.Tell(new GetHistory(history.Room, history.Before, history.Limit));
                break;
            case LeaveFrame leave:
                SendError(ErrorCodes.NotJoined, $"not in room '{leave.Room}'", leave.Room);
                break;
            case PingFrame:
                Send(ServerFrames.Pong);
                break;
            case RefreshFrame refresh:
                OnRefresh(refresh);
                break;
            case RejectedFrame rejected:
                Send(ServerFrames.Error(rejected.Error));
                break;
        }
    }

    private void OnSend(SendFrame send, RoomSession session)
    {
        if (session.WouldExceed(send.Id, _settings.MaxUnackedSends))
        {
            SendError(ErrorCodes.RateLimited, $"{_settings.MaxUnackedSends} sends in room '{send.Room}' are still waiting for their ack", send.Id);
            return;
        }
        var post = new Post(send.Room, _user, send.Id, send.Text);
        if (session.Add(post, Now))
            _rooms.Tell(post);
        StartRetrying();
    }

    private bool IsJoined(string room, string reference)
    {
        if (_joined.ContainsKey(room))
            return true;
        SendError(ErrorCodes.NotJoined, $"join room '{room}' first", reference);
        return false;
    }

    private long Now => _clock.GetTimestamp();

    private long RetryAfter => (long)(_settings.RetryInterval.TotalSeconds * _clock.TimestampFrequency);

    /// <summary>The first wait before an unanswered join goes again; each further one waits twice as long.</summary>
    private static readonly TimeSpan FirstJoinRetry = TimeSpan.FromMilliseconds(250);

    // A join goes again sooner than a send. The rejoin sent the moment a room's node is lost can reach this node's
    // shard region before the region has learned of the loss, and be forwarded to the dead node; waiting the whole
    // retry interval for the next one would add seconds to every failover. 0.25, 0.5, 1, 2 s... up to the interval.
    private long JoinRetryAfter(RoomSession session) =>
        Math.Min(RetryAfter, (long)(FirstJoinRetry.TotalSeconds * _clock.TimestampFrequency) << Math.Clamp(session.JoinAttempts - 1, 0, 16));

    private long SendDeadline => (long)(_settings.SendDeadline.TotalSeconds * _clock.TimestampFrequency);

    private void OnJoin(JoinFrame join)
    {
        if (_joined.TryGetValue(join.Room, out var session))
            session.ClientJoinsAwaited++;
        else if (_joined.Count >= _settings.MaxRoomsPerConnection)
        {
            SendError(ErrorCodes.LimitReached, $"a connection may be in at most {_settings.MaxRoomsPerConnection} rooms; leave one first", join.Room);
            return;
        }
        else
            _joined[join.Room] = session = new RoomSession(join.Room, join.Since, _hubs.For(join.Room));
        session.JoinSent(Now);
        _rooms.Tell(new Join(join.Room, _user, join.Since, _hubs.For(join.Room)));
        StartRetrying();
        ScheduleJoinRetry(Now);
    }

    private void OnJoinedRoom(JoinedRoom joined)
    {
        // No session: the client left meanwhile, and its left frame says so; an answer to a retry is dropped.
        if (!_joined.TryGetValue(joined.Room, out var session))
            return;
        var newIncarnation = session.Answered(Sender);
        if (newIncarnation)
        {
            Context.Watch(Sender);
            foreach (var post in session.Due(Now, retryAfter: 0))
                _rooms.Tell(post);
        }
        session.Seen(joined.Seq);
        // The client hears each of its own joins answered once, and a rejoin of ours once per new incarnation
        // (its replay is what the client missed); the echoes of our retries are dropped.
        if (session.ClientJoinsAwaited > 0)
        {
            session.ClientJoinsAwaited--;
            SendJoined(joined);
        }
        else if (newIncarnation)
        {
            SendJoined(joined);
        }
    }

    private void SendJoined(JoinedRoom joined)
    {
        Send(joined.Frame);
        if (joined.Reads is { Count: > 0 } reads)
        {
            if (_outbound.TryEnqueue(reads))
                ChatMetrics.Deliveries.Add(reads.Count);
            else
                Overflowed();
        }
    }

    private void OnSequenced(DeliverSequenced delivery)
    {
        if (_joined.TryGetValue(delivery.Room, out var session))
        {
            // A message at or below what the client already has came late from a room's previous incarnation
            // and is in the new incarnation's replay too.
            if (delivery.Seq <= session.LastSeq)
                return;
            session.Seen(delivery.Seq);
        }
        Send(delivery.Frame);
    }

    // The room no longer knows this connection (it restarted in place, or moved before our rejoin reached it):
    // join again; the send goes with the rejoin, so the client sees its ack and no error.
    private void OnNotMember(NotMember notMember)
    {
        if (!_joined.TryGetValue(notMember.Room, out var session) || session.Incarnation is null)
            return;
        session.Lost();
        _rooms.Tell(session.JoinCommand(_user, Now));
        StartRetrying();
        ScheduleJoinRetry(Now);
    }

    // An ack is for the client only while its send is outstanding: a retry of ours may be answered twice.
    private void OnAcked(Acked acked)
    {
        if (_joined.TryGetValue(acked.Room, out var session) && session.Acknowledge(acked.Id, acked.Seq))
            Send(acked.Frame);
    }

    // A room stops under a member only when it failed or moved to another node (its node may have died): join its
    // next incarnation from where we were; what it never acknowledged goes again once it answers.
    private void OnRoomStopped(Terminated terminated)
    {
        foreach (var session in _joined.Values)
        {
            if (!terminated.ActorRef.Equals(session.Incarnation))
                continue;
            session.Lost();
            _rooms.Tell(session.JoinCommand(_user, Now));
            StartRetrying();
        }
        ScheduleJoinRetry(Now);
    }

    // Messages to a room can be lost while its node dies and before the cluster knows: whatever is unanswered after
    // the retry interval goes again. Rooms drop repeated joins and sends by (user, id), so a retry is harmless.
    private void RetryUnanswered()
    {
        var now = Now;
        var waiting = false;
        foreach (var session in _joined.Values)
        {
            // Past the deadline the outcome is unknown to us too: say so, and let the client retry by id.
            foreach (var id in session.Expire(now, SendDeadline))
                SendError(ErrorCodes.Unavailable, "the room could not confirm storage in time; send again with the same id", id);
            if (session.Incarnation is null)
            {
                waiting = true;
                if (now - session.JoinSentAt >= JoinRetryAfter(session))
                    _rooms.Tell(session.JoinCommand(_user, now));
            }
            else if (session.HasUnacked)
            {
                waiting = true;
                foreach (var post in session.Due(now, RetryAfter))
                    _rooms.Tell(post);
            }
        }
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
        long? due = null;
        foreach (var session in _joined.Values)
        {
            if (session.Incarnation is null)
            {
                var at = session.JoinSentAt + JoinRetryAfter(session);
                due = due is null ? at : Math.Min(due.Value, at);
            }
        }
        if (due is null)
            Timers.Cancel(JoinRetryTimer);
        else
            Timers.StartSingleTimer(JoinRetryTimer, RetryTick.Instance, _clock.GetElapsedTime(now, Math.Max(now, due.Value)));
    }

    private const string JoinRetryTimer = "JoinRetry";

    private void OnRefresh(RefreshFrame refresh)
    {
        var ticket = _tokens.Validate(refresh.Token);
        if (ticket is null || ticket.User != _user)
        {
            SendError(ErrorCodes.Forbidden, "the token is invalid, expired, or not this user's");
            return;
        }
        _expiresAt = ticket.ExpiresAt;
        ScheduleExpiry();
        // A token of another sign-in: the account now closes this connection when that session is signed out.
        if (ticket.Session != _ticket.Session || ticket.Generation != _ticket.Generation)
        {
            _ticket = ticket;
            _registerAttempts = 0;
            Register();
        }
        Send(ServerFrames.Refreshed(ticket.ExpiresAt));
    }

    private void ScheduleExpiry()
    {
        var remaining = _expiresAt - _clock.GetUtcNow();
        Timers.StartSingleTimer(nameof(TokenExpired), TokenExpired.Instance, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
    }

    private void OnTokenExpired()
    {
        // A refresh may have raced with the timer: only a token that is really past its time closes the socket.
        if (_expiresAt > _clock.GetUtcNow())
            ScheduleExpiry();
        else
            CloseSocket(CloseReasons.TokenExpired);
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

    private static string? RefOf(ClientFrame frame) => frame switch
    {
        SendFrame send => send.Id,
        JoinFrame join => join.Room,
        LeaveFrame leave => leave.Room,
        TypingFrame typing => typing.Room,
        ReadFrame read => read.Room,
        HistoryFrame history => history.Room,
        _ => null,
    };

}
