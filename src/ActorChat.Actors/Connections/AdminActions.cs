using ActorChat.Accounts;
using ActorChat.Protocol;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// What a server administrator does beyond rooms, from their connection: suspending accounts and lifting
/// suspensions. Anyone else is refused here, before any account is asked.
/// </summary>
internal sealed class AdminActions(string user, AdminSettings? admins, IActorRef accounts, TimeProvider clock, IClientOutput client)
{
    /// <summary>The account's answer to <see cref="Suspend"/> (null: it could not be asked in time).</summary>
    public sealed record Answered(SuspendFrame Frame, AccountSuspension? Answer) : INoSerializationVerificationNeeded;

    /// <summary>A page of every room's reports, read for an administrator.</summary>
    public sealed record ReportsRead(IReadOnlyList<Storage.ReportRow> Rows, bool Failed) : INoSerializationVerificationNeeded;

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public bool IsAdmin { get; } = admins?.IsAdmin(user) ?? false;

    public void Suspend(SuspendFrame frame, IActorRef self)
    {
        var action = frame.Suspend ? "suspend" : "lift suspensions of";
        var refusal = !IsAdmin ? $"only server administrators {action} accounts"
            : string.Equals(frame.User, user, StringComparison.OrdinalIgnoreCase) ? "you cannot suspend yourself"
            : admins!.IsAdmin(frame.User) ? $"'{frame.User}' is a server administrator: take them off {AdminSettings.Section}:{nameof(AdminSettings.Users)} first"
            : null;
        if (refusal is not null)
        {
            client.SendError(ErrorCodes.Forbidden, refusal, frame.Id);
            return;
        }
        if (frame.Until <= clock.GetUtcNow())
        {
            client.SendError(ErrorCodes.BadFrame, "a suspension's end (until) must be in the future; leave it out for one until lifted", frame.Id);
            return;
        }
        object command = frame.Suspend ? new SuspendAccount(frame.User, user, frame.Reason, frame.Until) : new LiftSuspension(frame.User, user);
        accounts.Ask<AccountSuspension>(command, AskTimeout).PipeTo(self,
            success: answer => new Answered(frame, answer),
            failure: _ => new Answered(frame, null));
    }

    /// <summary>Every room's reports, newest first: for administrators, read from the table that holds them.</summary>
    public void Reports(ReportsFrame frame, IActorRef self, Storage.MessageTable table)
    {
        if (!IsAdmin)
        {
            client.SendError(ErrorCodes.Forbidden, "only server administrators read every room's reports; name a room you moderate", null);
            return;
        }
        table.ReadReportsAsync(null, frame.Before, frame.Limit, frame.Open).PipeTo(self,
            success: rows => new ReportsRead(rows, Failed: false),
            failure: _ => new ReportsRead([], Failed: true));
    }

    public void Answer(ReportsRead read)
    {
        if (read.Failed)
            client.SendError(ErrorCodes.Unavailable, "the reports could not be read right now; try again", null);
        else
            client.Send(ServerFrames.Reports(null, read.Rows, user));
    }

    public void Answer(Answered answered)
    {
        var (frame, answer) = answered;
        if (answer is null)
            client.SendError(ErrorCodes.Unavailable, "the account could not be reached right now; send it again", frame.Id);
        else if (answer.Username is null)
            client.SendError(ErrorCodes.NotFound, $"no user '{frame.User}'", frame.Id);
        else
            client.Send(ServerFrames.Suspension(frame.Id, answer));
    }
}
