using ActorChat.Protocol;
using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Connections;

// What the client's frames do: each, once past the rate limit, becomes a room command, a question to the account or
// the photo store, or an answer of the connection's own; and the token's renewal and expiry.
public sealed partial class ConnectionActor
{
    // While the session awaits its account's confirmation or a photo is being attached, frames wait their turn.
    private bool Waiting => _account.Holding || _attachingPhoto;

    // The rate limit judges each frame as it arrives; the answer comes in the order the client sent, waiting or not.
    private void OnClientFrame(ClientFrame frame)
    {
        var admitted = _rateLimiter.TryTake();
        if (!admitted && _rateLimiter.Strikes >= _settings.RateLimitStrikes)
            CloseSocket(CloseReasons.RateLimitExceeded);
        else if (!Waiting && _pending.Count == 0)
            Answer(frame, admitted);
        else if (!_pending.TryAdd(frame, admitted))
            CloseSocket(CloseReasons.RateLimitExceeded);
    }

    // The wait is over: what came meanwhile is answered in order, until a frame starts another wait.
    private void AnswerPending()
    {
        while (!Waiting && _pending.TryTake(out var frame, out var admitted))
            Answer(frame, admitted);
    }

    private void Answer(ClientFrame frame, bool admitted)
    {
        if (!admitted)
        {
            SendError(ErrorCodes.RateLimited, "too many frames; slow down", frame.Reference);
            return;
        }

        switch (frame)
        {
            case JoinFrame join:
                OnJoin(join);
                break;
            case LeaveFrame leave when _joined.Contains(leave.Room):
                LeaveIfJoined(leave.Room);
                break;
            case SendFrame send when IsJoined(send):
                OnSend(send);
                break;
            case ChangeFrame change when IsJoined(change):
                _rooms.Tell(new ChangeMessage(change.Room, _user, change.Id, change.Seq, change.Kind, change.Value));
                break;
            case CreateFrame create:
                OnCreate(create);
                break;
            case MembershipFrame membership when IsJoined(membership):
                OnMembership(membership);
                break;
            case DirectFrame direct:
                OnDirect(direct);
                break;
            case RoomsFrame:
                OnRoomsFrame();
                break;
            case ForgetFrame forget:
                OnForget(forget);
                break;
            case DirectoryFrame directory:
                OnDirectoryFrame(directory);
                break;
            case TypingFrame typing when IsJoined(typing):
                _rooms.Tell(new Typing(typing.Room, _user));
                break;
            case ReadFrame read when IsJoined(read):
                _rooms.Tell(new MarkRead(read.Room, _user, read.Seq));
                break;
            case ReceivedFrame received when IsJoined(received):
                _rooms.Tell(new MarkReceived(received.Room, _user, received.Seq));
                break;
            case HistoryFrame history when IsJoined(history):
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
        _account.Renewed(ticket);
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
}
