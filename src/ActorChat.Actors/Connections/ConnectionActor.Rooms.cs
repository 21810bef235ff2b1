using ActorChat.Accounts;
using ActorChat.Diagnostics;
using ActorChat.Protocol;
using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Connections;

// The rooms of a connection: joins and their answers, sends and their acks, rooms that stop or refuse, and the
// version 2 frames that create rooms, change their rosters and open direct rooms.
public sealed partial class ConnectionActor
{
    /// <param name="attachment">The photo of a send that names one, once the store let this user attach it.</param>
    private void OnSend(SendFrame send, MessageAttachment? attachment = null)
    {
        _joined.TryGet(send.Room, out var session);
        if (session.WouldExceed(send.Id, _settings.MaxUnackedSends))
        {
            SendError(ErrorCodes.RateLimited, $"{_settings.MaxUnackedSends} sends in room '{send.Room}' are still waiting for their ack", send.Id);
            return;
        }
        if (send.Attachment is not null && attachment is null)
        {
            ClaimAttachment(send);
            return;
        }
        var post = new Post(send.Room, _user, send.Id, send.Text, send.ReplyTo, attachment);
        if (session.Add(post, Now))
            _rooms.Tell(post);
        StartRetrying();
    }

    private bool IsJoined(RoomFrame frame)
    {
        if (_joined.Contains(frame.Room))
            return true;
        SendError(ErrorCodes.NotJoined, $"join room '{frame.Room}' first", frame.Reference);
        return false;
    }

    private long Now => _joined.Now;

    /// <param name="create">Set for a <c>create</c>: the room is created (true: private) unless it exists.</param>
    private void OnJoin(JoinFrame join, bool? create = null)
    {
        if (_joined.TryGet(join.Room, out var session))
            session.ClientJoinsAwaited++;
        else if (_joined.Count >= _settings.MaxRoomsPerConnection)
        {
            SendError(ErrorCodes.LimitReached, $"a connection may be in at most {_settings.MaxRoomsPerConnection} rooms; leave one first", join.Room);
            return;
        }
        else
        {
            session = _joined.Add(join.Room, join.Since, _hubs.For(join.Room));
            session.Create = create;
        }
        session.JoinSent(Now);
        _rooms.Tell(new Join(join.Room, _user, join.Since, _hubs.For(join.Room), Rev: join.Rev, Create: session.Create));
        StartRetrying();
        ScheduleJoinRetry(Now);
    }

    private void OnJoinedRoom(JoinedRoom joined)
    {
        // No session: the client left meanwhile, and its left frame says so; an answer to a retry is dropped.
        if (!_joined.TryGet(joined.Room, out var session))
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
            ListJoined(joined);
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
        if (_joined.TryGet(delivery.Room, out var session))
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
        if (!_joined.TryGet(notMember.Room, out var session) || session.Incarnation is null)
            return;
        session.Lost();
        _rooms.Tell(session.JoinCommand(_user, Now));
        StartRetrying();
        ScheduleJoinRetry(Now);
    }

    // An ack is for the client only while its send is outstanding: a retry of ours may be answered twice.
    private void OnAcked(Acked acked)
    {
        if (_joined.TryGet(acked.Room, out var session) && session.Acknowledge(acked.Id, acked.Seq))
            Send(acked.Frame);
    }

    // A room stops under a member only when it failed or moved to another node (its node may have died): join its
    // next incarnation from where we were; what it never acknowledged goes again once it answers.
    private void OnRoomStopped(Terminated terminated)
    {
        foreach (var session in _joined.All)
        {
            if (!terminated.ActorRef.Equals(session.Incarnation))
                continue;
            session.Lost();
            _rooms.Tell(session.JoinCommand(_user, Now));
            StartRetrying();
        }
        ScheduleJoinRetry(Now);
    }

    private void OnCreate(CreateFrame create)
    {
        if (_joined.Contains(create.Room))
        {
            SendError(ErrorCodes.Conflict, $"room '{create.Room}' exists already: you are in it", create.Room);
            return;
        }
        OnJoin(new JoinFrame(create.Room, null), create.Private);
    }

    // A direct room is reached from the other user's name, once the account is known to exist.
    private void OnDirect(DirectFrame direct)
    {
        if (Limits.DirectRoom(_user, direct.User) is not { } room)
        {
            SendError(ErrorCodes.BadFrame, "a direct conversation needs another user", direct.User);
            return;
        }
        WhenUserExists(direct.User, () => OnJoin(new JoinFrame(room, null)));
    }

    // The room decides: it checks the owner first, then asks the accounts whether the invitation may go on.
    private void OnMembership(MembershipFrame membership) =>
        _rooms.Tell(new ChangeMembership(membership.Room, _user, membership.User, membership.Invite));

    private void WhenUserExists(string user, Action then) =>
        _accounts.Ask<AccountCredentials>(new GetCredentials(user), _settings.RetryInterval).PipeTo(Self,
            success: credentials => new PeerChecked(user, credentials.Username is not null, then),
            failure: _ => new PeerChecked(user, null, then));

    private void OnPeerChecked(PeerChecked peer)
    {
        if (peer.Exists is null)
            SendError(ErrorCodes.Unavailable, "the user could not be looked up right now; try again", peer.User);
        else if (peer.Exists == false)
            SendError(ErrorCodes.NotFound, $"no user '{peer.User}'", peer.User);
        else
            peer.Then();
    }

    // The room refused this connection (private, or a create that came too late): it forgets the room.
    private void OnJoinRefused(JoinRefused refused)
    {
        if (!_joined.Remove(refused.Room, out var session))
            return;
        if (session.Incarnation is not null)
            Context.Unwatch(session.Incarnation);
        SendError(refused.Code, refused.Message, refused.Room);
    }

    private void OnLeftRoom(LeftRoom left)
    {
        // Removed by the room's owner: the room is gone for this connection, as after a leave of its own.
        if (left.Removed && _joined.Remove(left.Room, out var session) && session.Incarnation is not null)
            Context.Unwatch(session.Incarnation);
        Send(left.Frame);
    }

    /// <summary>Whether a user named by a frame exists (null: the account could not be asked), and what follows if so.</summary>
    private sealed record PeerChecked(string User, bool? Exists, Action Then) : INoSerializationVerificationNeeded;
}
