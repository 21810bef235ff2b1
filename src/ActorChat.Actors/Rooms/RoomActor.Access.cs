using ActorChat.Connections;
using ActorChat.Protocol;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Rooms;

// Who may come in: joins checked against the room's access, rooms created public or private, and the owner of a
// private room letting members in and taking them off its roster.
public sealed partial class RoomActor
{
    private void OnJoin(Join join)
    {
        var connection = Sender;
        if (join.Create is { } asPrivate)
        {
            var exists = _tail.Rev > 0 || _members.Count > 0;
            if (exists && !_access.CreatedAs(join.User, asPrivate))
            {
                connection.Tell(new JoinRefused(_room, ErrorCodes.Conflict, $"room '{_room}' exists already"));
                return;
            }
            if (!exists)
            {
                // Creation is rare: the room takes nothing else until it is stored.
                Persist(new RoomCreated("", join.User, asPrivate, _clock.GetUtcNow()), created =>
                {
                    StoreAccessChange(created);
                    Admit(join, connection);
                });
                return;
            }
        }
        if (!_access.Allows(join.User))
        {
            connection.Tell(new JoinRefused(_room, ErrorCodes.Forbidden, $"room '{_room}' is private"));
            return;
        }
        Admit(join, connection);
    }

    private void OnChangeMembership(ChangeMembership change)
    {
        var requester = Sender;
        if (MemberToChange(change, requester) is not { } member)
            return;
        if (!change.Invite)
        {
            StoreMembership(change, member);
            return;
        }
        // An invitation spends one of the owner's budget and needs room in the invited user's list: asked of both
        // accounts only once the room has found the owner entitled, so that nobody else learns of those limits.
        var (accounts, room) = (_accounts, _room);
        CheckAsync().PipeTo(Self,
            success: answer => new InvitationChecked(change, requester, answer),
            failure: _ => new InvitationChecked(change, requester, null));

        async Task<Accounts.InvitationAnswer> CheckAsync()
        {
            var spent = await accounts.Ask<Accounts.InvitationAnswer>(new Accounts.SpendInvitation(change.User), InvitationCheckTimeout)
                .ConfigureAwait(false);
            return spent.Code is not null ? spent
                : await accounts.Ask<Accounts.InvitationAnswer>(new Accounts.CheckInvitation(member, change.User, room), InvitationCheckTimeout)
                    .ConfigureAwait(false);
        }
    }

    private void OnInvitationChecked(InvitationChecked checkedInvitation)
    {
        var (change, requester, answer) = checkedInvitation;
        var refusal = answer is null ? new ProtocolError(ErrorCodes.Unavailable, "the invitation could not be checked right now; try again", change.Member)
            : answer.Code is { } code ? new ProtocolError(code, answer.Message, change.Member)
            : null;
        if (refusal is not null)
        {
            _delivery.SendTo(requester, new Deliver(ServerFrames.Error(refusal)));
            return;
        }
        // Checked again: the room may have changed while the accounts were asked.
        if (MemberToChange(change, requester) is { } member)
            StoreMembership(change, member);
    }

    // The key of the member to let in or take off when the change may go on; otherwise the requester is answered here.
    private string? MemberToChange(ChangeMembership change, IActorRef requester)
    {
        if (!_members.Contains(requester))
        {
            requester.Tell(new NotMember(_room, ""));
            return null;
        }
        var refusal = !_access.IsPrivate || _access.IsDirect ? "only a private room has members to invite or remove"
            : !_access.IsOwner(change.User) ? "only the room's owner invites and removes members"
            : !change.Invite && _access.IsOwner(change.Member) ? "the owner cannot be removed"
            : null;
        if (refusal is not null)
        {
            _delivery.SendTo(requester, new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Forbidden, refusal, _room))));
            return null;
        }
        var member = RoomAccess.Key(change.Member);
        if (_access.Allows(member) == change.Invite)
        {
            // Already so: nothing to store, and the owner hears how things stand.
            _delivery.SendTo(requester, new Deliver(ServerFrames.Member(_room, _tail.Rev, member, change.Invite, RoomAccess.Key(change.User))));
            return null;
        }
        return member;
    }

    private void StoreMembership(ChangeMembership change, string member)
    {
        IAccessChange stored = change.Invite
            ? new MemberInvited("", change.User, member, _clock.GetUtcNow())
            : new MemberRemoved("", change.User, member, _clock.GetUtcNow());
        Persist(stored, _ =>
        {
            var frame = StoreAccessChange(stored);
            _delivery.Broadcast(new Deliver(frame), except: []);
            // The room appears in the invited user's room list on every device at once, and leaves a removed one's.
            _accounts.Tell(change.Invite
                ? new Accounts.ListRoom(member, _room, RoomKind.Private, InvitedBy: RoomAccess.Key(change.User))
                : new Accounts.UnlistRoom(member, _room, Accounts.RoomListChange.Removed));
            // A removed member's connections leave at once, wherever they are: each is told, and forgets the room.
            if (!change.Invite)
            {
                foreach (var connection in _members.ConnectionsOf(member))
                    RemoveMember(connection, answer: true, removed: true);
            }
        });
    }

    private static readonly TimeSpan InvitationCheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The accounts' word on an invitation (null: they could not be asked in time).</summary>
    private sealed record InvitationChecked(ChangeMembership Change, IActorRef Requester, Accounts.InvitationAnswer? Answer)
        : INoSerializationVerificationNeeded;

    /// <summary>Applies a stored change of access to the room and hands it to the table; returns the frame that announces it.</summary>
    private byte[] StoreAccessChange(IAccessChange stored)
    {
        var rev = LastSequenceNr;
        _access.Apply(stored);
        var frame = _tail.Apply(stored, rev);
        _table.Add(new RevisedEvent(rev, stored));
        _table.Flush(_tail.Seq);
        return frame;
    }
}
