using ActorChat.Accounts;
using ActorChat.Connections;
using ActorChat.Protocol;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>
/// The room's moderation as its members ask for it: roles given and taken by owners; members kicked, banned, muted
/// and let back, and slow mode set, by moderators and owners (and server administrators, anywhere). Each is checked
/// against the room's <see cref="RoomModeration"/>, stored before it takes effect, acked to who asked and
/// announced to everyone else; a kicked or banned member's connections leave the room at once, on every node. The
/// moderation log, who did what to whom and why, is read from the message table, for moderators only.
/// </summary>
internal sealed class ModerationChanges(string room, RoomTail tail, RoomTable table, RoomMembers members, RoomDelivery delivery,
    RoomAccess access, RoomModeration state, IActorRef accounts, TimeProvider clock, IRoomJournal journal, IActorRef self)
{
    /// <summary>A page of the moderation log, read from the table for <paramref name="Requester"/>; empty and failed when it could not be.</summary>
    public sealed record LogRead(IActorRef Requester, IReadOnlyList<ModerationRow> Rows, bool Failed) : INoSerializationVerificationNeeded;

    /// <summary>The longest slow mode: six hours.</summary>
    public const int MaxSlowModeSeconds = 6 * 60 * 60;

    private RoomModeration State => state;

    /// <param name="putOut">Puts a connection out of the room with the given <c>left</c> frame.</param>
    public void Moderate(Moderate command, IActorRef requester, Action<IActorRef, byte[]> putOut)
    {
        if (!members.Contains(requester))
        {
            requester.Tell(new NotMember(room, command.Id));
            return;
        }
        if (tail.TryGetSent(command.User, command.Id, out var sent))
        {
            // Stored already: a retry is acked with the revision that stored it.
            delivery.SendTo(requester, Ack(command.Id, sent.Timestamp, sent.Rev));
            return;
        }
        var now = clock.GetUtcNow();
        if (Refusal(command, now) is { } refusal)
        {
            // Refused for good: the connection stops holding it.
            delivery.SendTo(requester, new SendRefused(room, command.Id, ServerFrames.Error(refusal)));
            return;
        }
        if (Change(command, now) is not { } change)
        {
            // Already so: nothing to store, and the ack names the revision the room is at.
            delivery.SendTo(requester, Ack(command.Id, now, tail.Rev));
            return;
        }
        journal.Persist(change, _ =>
        {
            var rev = journal.LastSequenceNr;
            State.Apply(change);
            var frame = tail.Apply(change, rev);
            table.Add(new RevisedEvent(rev, change));
            table.Flush(tail.Seq);
            delivery.SendTo(requester, Ack(command.Id, change.At, rev));
            delivery.Broadcast(new Deliver(frame), except: [requester]);
            if (change is MemberKicked or MemberBanned)
                PutOut(change, putOut);
        });
    }

    private Acked Ack(string id, DateTimeOffset at, long rev) => new(room, id, 0, ServerFrames.Ack(room, id, 0, at, rev));

    /// <summary>Reads a page of the moderation log for a moderator; anyone else is refused.</summary>
    public void Log(GetModerationLog ask, IActorRef requester)
    {
        if (!State.Moderates(ask.User, ask.Admin))
        {
            delivery.SendTo(requester, new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Forbidden,
                "only the room's moderators and owners read its moderation log", room))));
            return;
        }
        var (before, limit) = (ask.Before, ask.Limit);
        // What was just stored is in the page: the table is read once it holds every stored event.
        table.WhenCaughtUp(() => table.Table.ReadModerationAsync(room, before, limit).PipeTo(self,
            success: rows => new LogRead(requester, rows, Failed: false),
            failure: _ => new LogRead(requester, [], Failed: true)));
    }

    public void Read(LogRead read) => delivery.SendTo(read.Requester, new Deliver(read.Failed
        ? ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "the moderation log could not be read right now; try again", room))
        : ServerFrames.ModerationLog(room, read.Rows)));

    // Out at once, wherever the member's connections are; the room leaves their room list on every device, and a kicked
    // member may join it again.
    private void PutOut(IModerationChange stored, Action<IActorRef, byte[]> putOut)
    {
        var frame = stored is MemberBanned banned
            ? ServerFrames.PutOut(room, "banned", banned.Reason, banned.Until)
            : ServerFrames.PutOut(room, "kicked", ((MemberKicked)stored).Reason, null);
        foreach (var connection in members.ConnectionsOf(stored.Member))
            putOut(connection, frame);
        accounts.Tell(new UnlistRoom(stored.Member, room, RoomListChange.Removed));
    }

    private ProtocolError? Refusal(Moderate command, DateTimeOffset now)
    {
        var actor = command.Admin ? int.MaxValue : (int)State.RoleOf(command.User);
        var action = command.Action.ToString().ToLowerInvariant();
        if (access.IsDirect && !command.Admin)
            return Forbidden("a direct room has no moderators; block the user instead");
        switch (command.Action)
        {
            case ModerationAction.Role:
                if (actor < (int)RoomRole.Owner)
                    return Forbidden("only the room's owners give and take roles");
                if (RoomModeration.Parse(command.Role) is not { } role)
                    return new ProtocolError(ErrorCodes.BadFrame, "role must be owner, moderator or member", command.Id);
                if (State.RoleOf(command.Member) == RoomRole.Owner && role != RoomRole.Owner && State.Owners == 1)
                    return new ProtocolError(ErrorCodes.Conflict, "the room's last owner cannot step down: make another owner first", command.Id);
                return null;
            case ModerationAction.SlowMode:
                if (actor < (int)RoomRole.Moderator)
                    return Forbidden("only the room's moderators and owners set slow mode");
                return command.Seconds is < 0 or > MaxSlowModeSeconds
                    ? new ProtocolError(ErrorCodes.BadFrame, $"slow mode is 0 (off) to {MaxSlowModeSeconds} seconds", command.Id)
                    : null;
        }
        if (actor < (int)RoomRole.Moderator)
            return Forbidden($"only the room's moderators and owners {action}");
        if (string.Equals(command.Member, command.User, StringComparison.OrdinalIgnoreCase))
            return Forbidden($"you cannot {action} yourself");
        if (command.Action is ModerationAction.Kick or ModerationAction.Ban or ModerationAction.Mute && (int)State.RoleOf(command.Member) >= actor)
            return Forbidden($"a {RoomModeration.Name((RoomRole)Math.Min(actor, (int)RoomRole.Owner))} cannot {action} a {RoomModeration.Name(State.RoleOf(command.Member))}");
        if (command.Action == ModerationAction.Mute && !(command.Until > now))
            return new ProtocolError(ErrorCodes.BadFrame, "a mute needs an end in the future (until)", command.Id);
        if (command.Action == ModerationAction.Ban && command.Until <= now)
            return new ProtocolError(ErrorCodes.BadFrame, "a ban's end (until) must be in the future; leave it out for a ban without end", command.Id);
        return null;

        ProtocolError Forbidden(string message) => new(ErrorCodes.Forbidden, message, command.Id);
    }

    // The event that does what the command asks; null when the room already is as asked.
    private IModerationChange? Change(Moderate command, DateTimeOffset now)
    {
        var (id, user, member) = (command.Id, command.User, command.Member);
        return command.Action switch
        {
            ModerationAction.Role when RoomModeration.Name(State.RoleOf(member)) == command.Role => null,
            ModerationAction.Role => new RoleChanged(id, user, member, command.Role!, now),
            ModerationAction.Kick => new MemberKicked(id, user, member, command.Reason, now),
            ModerationAction.Ban => new MemberBanned(id, user, member, command.Until, command.Reason, now),
            ModerationAction.Unban when State.BanOf(member, now) is null => null,
            ModerationAction.Unban => new MemberUnbanned(id, user, member, now),
            ModerationAction.Mute => new MemberMuted(id, user, member, command.Until!.Value, command.Reason, now),
            ModerationAction.Unmute when State.MutedUntil(member, now) is null => null,
            ModerationAction.Unmute => new MemberUnmuted(id, user, member, now),
            ModerationAction.SlowMode when State.SlowModeSeconds == command.Seconds => null,
            _ => new SlowModeSet(id, user, command.Seconds, now),
        };
    }
}
