using System.Net.WebSockets;
using ActorChat.Accounts;
using ActorChat.Protocol;
using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// One client's WebSocket on this node: knows the user and the rooms it joined, turns the client's frames into
/// room commands, and writes every frame bound for the client into its bounded outbound queue.
/// </summary>
public sealed class ConnectionActor : ReceiveActor, IWithTimers
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

    private readonly string _user;
    private readonly Outbox _outbound;
    private readonly IActorRef _rooms;
    private readonly TokenService _tokens;
    private readonly ConnectionSettings _settings;
    private readonly TimeProvider _clock;
    private readonly FrameRateLimiter _rateLimiter;
    private readonly Dictionary<string, JoinedRoomState> _joined = new(StringComparer.Ordinal);
    private DateTimeOffset _expiresAt;

    public ConnectionActor(AuthTicket ticket, string session, Outbox outbound, IActorRef rooms,
        TokenService tokens, ConnectionSettings settings, TimeProvider clock)
    {
        _user = ticket.User;
        _expiresAt = ticket.ExpiresAt;
        _outbound = outbound;
        _rooms = rooms;
        _tokens = tokens;
        _settings = settings;
        _clock = clock;
        _rateLimiter = new FrameRateLimiter(settings.FramesPerSecond, settings.FrameBurst, clock);

        Send(ServerFrames.Welcome(_user, session));

        Receive<ClientFrame>(OnClientFrame);
        Receive<DeliverSequenced>(OnSequenced);
        Receive<Deliver>(deliver => Send(deliver.Frame));
        Receive<JoinedRoom>(OnJoinedRoom);
        Receive<LeftRoom>(left => Send(left.Frame));
        Receive<Terminated>(OnRoomStopped);
        Receive<TokenExpired>(_ => OnTokenExpired());
        Receive<SocketClosed>(_ => Context.Stop(Self));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(AuthTicket ticket, string session, Outbox outbound, IActorRef rooms,
        TokenService tokens, ConnectionSettings settings, TimeProvider? clock = null) =>
        Props.Create(() => new ConnectionActor(ticket, session, outbound, rooms, tokens, settings, clock ?? TimeProvider.System));

    protected override void PreStart() => ScheduleExpiry();

    protected override void PostStop() => _outbound.Complete();

    private void OnClientFrame(ClientFrame frame)
    {
        if (!_rateLimiter.TryTake())
        {
            if (_rateLimiter.Strikes >= _settings.RateLimitStrikes)
                CloseSocket(WebSocketCloseStatus.PolicyViolation, "rate limit exceeded");
            else
                SendError(ErrorCodes.RateLimited, "too many frames; slow down", RefOf(frame));
            return;
        }

        switch (frame)
        {
            case JoinFrame join:
                _joined.TryAdd(join.Room, new JoinedRoomState());
                _rooms.Tell(new Join(join.Room, _user, join.Since));
                break;
            case LeaveFrame leave when _joined.Remove(leave.Room, out var state):
                if (state.Room is not null)
                    Context.Unwatch(state.Room);
                _rooms.Tell(new Leave(leave.Room, _user));
                break;
            case SendFrame send when IsJoined(send.Room, send.Id):
                _rooms.Tell(new Post(send.Room, _user, send.Id, send.Text));
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

    private bool IsJoined(string room, string reference)
    {
        if (_joined.ContainsKey(room))
            return true;
        SendError(ErrorCodes.NotJoined, $"join room '{room}' first", reference);
        return false;
    }

    private void OnJoinedRoom(JoinedRoom joined)
    {
        if (_joined.TryGetValue(joined.Room, out var state))
        {
            if (state.Room is null || !state.Room.Equals(Sender))
            {
                state.Room = Sender;
                Context.Watch(Sender);
            }
            state.LastSeq = Math.Max(state.LastSeq, joined.Seq);
        }
        Send(joined.Frame);
    }

    private void OnSequenced(DeliverSequenced delivery)
    {
        if (_joined.TryGetValue(delivery.Room, out var state))
            state.LastSeq = Math.Max(state.LastSeq, delivery.Seq);
        Send(delivery.Frame);
    }

    // A room stops under a member only when it failed or moved to another node: join it again, from where we were.
    private void OnRoomStopped(Terminated terminated)
    {
        foreach (var (room, state) in _joined)
        {
            if (terminated.ActorRef.Equals(state.Room))
            {
                state.Room = null;
                _rooms.Tell(new Join(room, _user, state.LastSeq));
            }
        }
    }

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
            CloseSocket(WebSocketCloseStatus.PolicyViolation, "token expired");
    }

    private void SendError(string code, string message, string? reference = null) =>
        Send(ServerFrames.Error(new ProtocolError(code, message, reference)));

    private void Send(byte[] frame)
    {
        if (!_outbound.TryEnqueue(frame) && _outbound.Close is null)
            CloseSocket((WebSocketCloseStatus)1013, "client is too slow; resume with since");
    }

    private void CloseSocket(WebSocketCloseStatus status, string reason)
    {
        _outbound.RequestClose(status, reason);
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

    private sealed class JoinedRoomState
    {
        public IActorRef? Room { get; set; }

        public long LastSeq { get; set; }
    }
}
