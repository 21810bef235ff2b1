using ActorChat.Delivery;
using ActorChat.Protocol;
using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// The rooms of one connection and what crosses between them and its client: joins and their answers, sends and
/// their acks, rooms that stop, move or refuse, and the retries that carry all of it across a lost node. The
/// sessions (<see cref="RoomSessions"/>) are its state; it tells the rooms' region and watches each room's current
/// incarnation on the connection's behalf.
/// </summary>
internal sealed class ConnectionRooms
{
    public sealed record RetryTick : INoSerializationVerificationNeeded
    {
        public static readonly RetryTick Instance = new();
    }

    private const string JoinRetryTimer = "JoinRetry";

    private readonly string _user;
    private readonly ConnectionSettings _settings;
    private readonly RoomSessions _sessions;
    private readonly IActorRef _region;
    private readonly DeliveryHubs _hubs;
    private readonly IClientOutput _client;
    private readonly IActorContext _context;
    private ITimerScheduler _timers = null!;

    public ConnectionRooms(string user, ConnectionSettings settings, TimeProvider clock, IActorRef region, DeliveryHubs hubs,
        IClientOutput client, IActorContext context)
    {
        _user = user;
        _settings = settings;
        _sessions = new RoomSessions(user, settings, clock);
        _region = region;
        _hubs = hubs;
        _client = client;
        _context = context;
    }

    /// <summary>The connection's backoff, shared with its registration at the account.</summary>
    public Func<int, TimeSpan> Backoff => _sessions.Backoff;

    private long Now => _sessions.Now;

    /// <summary>Takes the connection's timers, for the retries.</summary>
    public void Start(ITimerScheduler timers) => _timers = timers;

    public bool Contains(string room) => _sessions.Contains(room);

    /// <summary>Whether the client is in the frame's room; if not, it is told to join first.</summary>
    public bool IsJoined(RoomFrame frame) => IsJoined(frame.Room, frame.Reference);

    /// <summary>Whether the client is in <paramref name="room"/>; if not, it is told to join first (<paramref name="reference"/> names the frame).</summary>
    public bool IsJoined(string room, string? reference)
    {
        if (_sessions.Contains(room))
            return true;
        _client.SendError(ErrorCodes.NotJoined, $"join room '{room}' first", reference);
        return false;
    }

    /// <param name="create">Set for a <c>create</c>: the room is created (true: private) unless it exists.</param>
    public void Join(JoinFrame join, bool? create = null)
    {
        if (_sessions.TryGet(join.Room, out var session))
            session.ClientJoinsAwaited++;
        else if (_sessions.Count >= _settings.MaxRoomsPerConnection)
        {
            _client.SendError(ErrorCodes.LimitReached, $"a connection may be in at most {_settings.MaxRoomsPerConnection} rooms; leave one first", join.Room);
            return;
        }
        else
        {
            session = _sessions.Add(join.Room, join.Since, _hubs.For(join.Room));
            session.Create = create;
        }
        session.JoinSent(Now);
        _region.Tell(new Join(join.Room, _user, join.Since, _hubs.For(join.Room), Rev: join.Rev, Create: session.Create));
        StartRetrying();
        ScheduleJoinRetry(Now);
    }

    public void Create(CreateFrame create)
    {
        if (_sessions.Contains(create.Room))
        {
            _client.SendError(ErrorCodes.Conflict, $"room '{create.Room}' exists already: you are in it", create.Room);
            return;
        }
        Join(new JoinFrame(create.Room, null), create.Private);
    }

    /// <param name="attachment">The photo of a send that names one, once the store let this user attach it.</param>
    /// <returns>False when the send names a photo not claimed yet: the caller claims it first.</returns>
    public bool Send(SendFrame send, MessageAttachment? attachment = null)
    {
        _sessions.TryGet(send.Room, out var session);
        if (session.WouldExceed(send.Id, _settings.MaxUnackedSends))
        {
            _client.SendError(ErrorCodes.RateLimited, $"{_settings.MaxUnackedSends} sends in room '{send.Room}' are still waiting for their ack", send.Id);
            return true;
        }
        if (send.Attachment is not null && attachment is null)
            return false;
        Hold(session, new Post(send.Room, _user, send.Id, send.Text, send.ReplyTo, attachment));
        return true;
    }

    /// <summary>
    /// A moderation or a report goes to the room as a send does: held until acked or refused, and again after a lost
    /// node. The client must be in the room.
    /// </summary>
    public void Send(IAcknowledgedCommand command)
    {
        _sessions.TryGet(command.Room, out var session);
        if (session.WouldExceed(command.Id, _settings.MaxUnackedSends))
        {
            _client.SendError(ErrorCodes.RateLimited, $"{_settings.MaxUnackedSends} frames in room '{command.Room}' are still waiting for their ack", command.Id);
            return;
        }
        Hold(session, command);
    }

    private void Hold(RoomSession session, IAcknowledgedCommand command)
    {
        if (session.Add(command, Now))
            _region.Tell(command);
        StartRetrying();
    }

    /// <summary>A room's answer to a join. Returns true when it answers one the client asked for (not a retry of ours).</summary>
    public bool Joined(JoinedRoom joined, IActorRef incarnation)
    {
        // No session: the client left meanwhile, and its left frame says so; an answer to a retry is dropped.
        if (!_sessions.TryGet(joined.Room, out var session))
            return false;
        // A rejoin of ours that a late message of the previous incarnation overtook: its replay would hand the client
        // that message again. Join again from where the client is; the room answers that join too.
        if (session.ClientJoinsAwaited == 0 && !incarnation.Equals(session.Incarnation) && session.OverlapsReplay)
        {
            _region.Tell(session.JoinCommand(_user, Now));
            ScheduleJoinRetry(Now);
            return false;
        }
        var newIncarnation = session.Answered(incarnation);
        if (newIncarnation)
        {
            _context.Watch(incarnation);
            foreach (var command in session.Due(Now, retryAfter: 0))
                _region.Tell(command);
        }
        session.Seen(joined.Seq);
        // The client hears each of its own joins answered once, and a rejoin of ours once per new incarnation
        // (its replay is what the client missed); the echoes of our retries are dropped.
        var asked = session.ClientJoinsAwaited > 0;
        if (asked)
            session.ClientJoinsAwaited--;
        if (asked || newIncarnation)
        {
            _client.Send(joined.Frame);
            if (joined.Reads is { Count: > 0 } reads)
                _client.Send(reads);
        }
        return asked;
    }

    public void Sequenced(DeliverSequenced delivery)
    {
        if (_sessions.TryGet(delivery.Room, out var session))
        {
            // A message at or below what the client already has came late from a room's previous incarnation
            // and is in the new incarnation's replay too.
            if (delivery.Seq <= session.LastSeq)
                return;
            session.Seen(delivery.Seq);
        }
        _client.Send(delivery.Frame);
    }

    // An ack is for the client only while its send is outstanding: a retry of ours may be answered twice.
    public void Acked(Acked acked)
    {
        if (_sessions.TryGet(acked.Room, out var session) && session.Acknowledge(acked.Id, acked.Seq))
            _client.Send(acked.Frame);
    }

    // The room no longer knows this connection (it restarted in place, or moved before our rejoin reached it):
    // join again; the send goes with the rejoin, so the client sees its ack and no error.
    public void NotMember(NotMember notMember)
    {
        if (!_sessions.TryGet(notMember.Room, out var session) || session.Incarnation is null)
            return;
        session.Lost();
        _region.Tell(session.JoinCommand(_user, Now));
        StartRetrying();
        ScheduleJoinRetry(Now);
    }

    /// <summary>
    /// A watched actor stopped. A room stops under a member only when it failed or moved to another node (its node
    /// may have died): join its next incarnation from where we were; what it never acknowledged goes again once it answers.
    /// </summary>
    public void Stopped(IActorRef actor)
    {
        foreach (var session in _sessions.All)
        {
            if (!actor.Equals(session.Incarnation))
                continue;
            session.Lost();
            _region.Tell(session.JoinCommand(_user, Now));
            StartRetrying();
        }
        ScheduleJoinRetry(Now);
    }

    // The room refused this connection (private, or a create that came too late): it forgets the room.
    public void Refused(JoinRefused refused)
    {
        if (!Forget(refused.Room))
            return;
        _client.SendError(refused.Code, refused.Message, refused.Room);
    }

    // The room refused a send for good: it is not retried, and the client hears why.
    public void Refused(SendRefused refused)
    {
        if (_sessions.TryGet(refused.Room, out var session))
            session.Forget(refused.Id);
        _client.Send(refused.Frame);
    }

    public void Left(LeftRoom left)
    {
        // Removed by the room's owner: the room is gone for this connection, as after a leave of its own.
        if (left.Removed)
            Forget(left.Room);
        _client.Send(left.Frame);
    }

    public void LeaveIfJoined(string room)
    {
        if (Forget(room))
            _region.Tell(new Leave(room, _user));
    }

    private bool Forget(string room)
    {
        if (!_sessions.Remove(room, out var session))
            return false;
        if (session.Incarnation is not null)
            _context.Unwatch(session.Incarnation);
        return true;
    }

    public void RetryUnanswered()
    {
        var now = Now;
        var (resend, expired, waiting) = _sessions.Due(now);
        // Past the deadline the outcome is unknown to us too: say so, and let the client retry by id.
        foreach (var id in expired)
            _client.SendError(ErrorCodes.Unavailable, "the room could not confirm storage in time; send again with the same id", id);
        foreach (var command in resend)
            _region.Tell(command);
        if (!waiting)
            _timers.Cancel(nameof(RetryTick));
        ScheduleJoinRetry(now);
    }

    private void StartRetrying()
    {
        if (!_timers.IsTimerActive(nameof(RetryTick)))
            _timers.StartPeriodicTimer(nameof(RetryTick), RetryTick.Instance, _settings.RetryInterval);
    }

    // Sends are checked on the periodic tick; a join awaiting its answer is checked again when it falls due.
    private void ScheduleJoinRetry(long now)
    {
        if (_sessions.NextJoinDue(now) is { } due)
            _timers.StartSingleTimer(JoinRetryTimer, RetryTick.Instance, due);
        else
            _timers.Cancel(JoinRetryTimer);
    }
}
