using ActorChat.Accounts;
using ActorChat.Connections;
using ActorChat.Protocol;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>
/// Who may come in, and changes to that: joins checked against the room's <see cref="RoomAccess"/> (which this owns),
/// rooms created public or private, and the owner of a private room letting members in (once the accounts agree)
/// and taking them off its roster. Each change is stored before it takes effect.
/// </summary>
internal sealed class RosterChanges(string room, RoomTail tail, RoomTable table, RoomMembers members, RoomDelivery delivery,
    RoomModeration moderation, IActorRef accounts, TimeProvider clock, IRoomJournal journal, IActorRef self)
{
    /// <summary>The accounts' word on an invitation (null: they could not be asked in time).</summary>
    public sealed record InvitationChecked(ChangeMembership Change, IActorRef Requester, InvitationAnswer? Answer)
        : INoSerializationVerificationNeeded;

    /// <summary>How a direct room's users registered their names, as their accounts said (empty: they could not be asked).</summary>
    public sealed record DirectNames(IReadOnlyList<string> Names) : INoSerializationVerificationNeeded;

    private static readonly TimeSpan InvitationCheckTimeout = TimeSpan.FromSeconds(5);

    public RoomAccess Access { get; } = new(room);

    /// <summary>Checks a join; <paramref name="admit"/> lets the connection in once it may come (after the room's creation is stored).</summary>
    public void Join(Join join, IActorRef connection, Action<Join, IActorRef> admit)
    {
        if (join.Create is { } asPrivate)
        {
            var exists = tail.Rev > 0 || members.Count > 0;
            if (exists && !Access.CreatedAs(join.User, asPrivate))
            {
                connection.Tell(new JoinRefused(room, ErrorCodes.Conflict, $"room '{room}' exists already"));
                return;
            }
            if (!exists)
            {
                // Creation is rare: the room takes nothing else until it is stored.
                journal.Persist(new RoomCreated("", join.User, asPrivate, clock.GetUtcNow()), created =>
                {
                    Stored((IAccessChange)created);
                    admit(join, connection);
                });
                return;
            }
        }
        if (moderation.BanOf(join.User, clock.GetUtcNow()) is { } ban)
        {
            var until = ban.Until is { } end ? $" until {ServerFrames.FormatTimestamp(end)}" : "";
            connection.Tell(new JoinRefused(room, ErrorCodes.Forbidden, $"you are banned from room '{room}'{until}"));
            return;
        }
        if (!Access.Allows(join.User))
        {
            connection.Tell(new JoinRefused(room, ErrorCodes.Forbidden, $"room '{room}' is private"));
            return;
        }
        // The joiner's own name, from their sign-in, is as they registered it.
        Access.Named(join.User);
        admit(join, connection);
    }

    /// <summary>
    /// A direct room knows its users from its name, in lower case: it asks their accounts how they registered, and
    /// names them so once they answer (<see cref="Named"/>). A user who joins meanwhile is named by their sign-in.
    /// </summary>
    public void LookUpDirectNames()
    {
        if (!Access.IsDirect || accounts.IsNobody())
            return;
        string[] users = [.. Access.Roster];
        LookUpAsync().PipeTo(self, success: names => new DirectNames(names), failure: _ => new DirectNames([]));

        async Task<IReadOnlyList<string>> LookUpAsync()
        {
            var answers = await Task.WhenAll(users.Select(user => accounts.Ask<AccountCredentials>(new GetCredentials(user), InvitationCheckTimeout)))
                .ConfigureAwait(false);
            return [.. answers.Select(answer => answer.Username).OfType<string>()];
        }
    }

    public void Named(DirectNames named)
    {
        foreach (var name in named.Names)
            Access.Named(name);
    }

    /// <param name="remove">Puts a removed member's connection out of the room.</param>
    public void Change(ChangeMembership change, IActorRef requester, Action<IActorRef> remove)
    {
        if (MemberToChange(change, requester) is not { } member)
            return;
        if (!change.Invite)
        {
            Store(change, member, remove);
            return;
        }
        // An invitation spends one of the owner's budget and needs room in the invited user's list: asked of both
        // accounts only once the room has found the owner entitled, so that nobody else learns of those limits.
        CheckAsync().PipeTo(self,
            success: answer => new InvitationChecked(change, requester, answer),
            failure: _ => new InvitationChecked(change, requester, null));

        async Task<InvitationAnswer> CheckAsync()
        {
            var spent = await accounts.Ask<InvitationAnswer>(new SpendInvitation(change.User), InvitationCheckTimeout).ConfigureAwait(false);
            return spent.Code is not null ? spent
                : await accounts.Ask<InvitationAnswer>(new CheckInvitation(member, change.User, room), InvitationCheckTimeout).ConfigureAwait(false);
        }
    }

    public void Checked(InvitationChecked checkedInvitation, Action<IActorRef> remove)
    {
        var (change, requester, answer) = checkedInvitation;
        var refusal = answer is null ? new ProtocolError(ErrorCodes.Unavailable, "the invitation could not be checked right now; try again", change.Member)
            : answer.Code is { } code ? new ProtocolError(code, answer.Message, change.Member)
            : null;
        if (refusal is not null)
        {
            delivery.SendTo(requester, new Deliver(ServerFrames.Error(refusal)));
            return;
        }
        // Checked again: the room may have changed while the accounts were asked. The invited user's account says how
        // they registered their name (a node of an earlier version does not: the name is then kept in lower case).
        if (MemberToChange(change, requester) is { } member)
            Store(change, answer!.Username ?? member, remove);
    }

    // The member to let in (in lower case) or take off (as the roster names them) when the change may go on;
    // otherwise the requester is answered here.
    private string? MemberToChange(ChangeMembership change, IActorRef requester)
    {
        if (!members.Contains(requester))
        {
            requester.Tell(new NotMember(room, ""));
            return null;
        }
        // Every owner of the room, not only its creator: an owner made by another owner shares the roster.
        var refusal = !Access.IsPrivate || Access.IsDirect ? "only a private room has members to invite or remove"
            : moderation.RoleOf(change.User) != RoomRole.Owner ? "only the room's owners invite and remove members"
            : !change.Invite && moderation.RoleOf(change.Member) == RoomRole.Owner ? "an owner cannot be removed: make them a member first"
            : null;
        if (refusal is not null)
        {
            delivery.SendTo(requester, new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Forbidden, refusal, room))));
            return null;
        }
        var listed = Access.NameOf(change.Member);
        if ((listed is not null) == change.Invite)
        {
            // Already so: nothing to store, and the owner hears how things stand.
            delivery.SendTo(requester, new Deliver(ServerFrames.Member(room, tail.Rev, listed ?? RoomAccess.Key(change.Member), change.Invite, change.User)));
            return null;
        }
        return listed ?? RoomAccess.Key(change.Member);
    }

    private void Store(ChangeMembership change, string member, Action<IActorRef> remove)
    {
        // The owner who asked, as their sign-in names them (as registered).
        var owner = change.User;
        IAccessChange stored = change.Invite
            ? new MemberInvited("", owner, member, clock.GetUtcNow())
            : new MemberRemoved("", owner, member, clock.GetUtcNow());
        journal.Persist(stored, _ =>
        {
            delivery.Broadcast(new Deliver(Stored(stored)), except: []);
            // The room appears in the invited user's room list on every device at once, and leaves a removed one's.
            accounts.Tell(change.Invite
                ? new ListRoom(member, room, RoomKind.Private, InvitedBy: owner)
                : new UnlistRoom(member, room, RoomListChange.Removed));
            // A removed member's connections leave at once, wherever they are: each is told, and forgets the room.
            if (!change.Invite)
            {
                foreach (var connection in members.ConnectionsOf(member))
                    remove(connection);
            }
        });
    }

    // Applies a stored change of access to the room and hands it to the table; returns the frame that announces it.
    private byte[] Stored(IAccessChange stored)
    {
        var rev = journal.LastSequenceNr;
        Access.Apply(stored);
        moderation.Apply(stored);
        var frame = tail.Apply(stored, rev);
        table.Add(new RevisedEvent(rev, stored));
        table.Flush(tail.Seq);
        return frame;
    }
}
