using ActorChat.Connections;
using ActorChat.Protocol;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>
/// Members reporting messages to the room's moderators: each report is stored once per client id in the message
/// table's database (which owns reports: they are what users said, not what the room did), acked to the reporter,
/// and told at once to the moderators and owners in the room. Moderators read them back a page at a time. Who
/// reported is never shown to the user reported, even when that user is a moderator.
/// </summary>
internal sealed class MessageReports(string room, RoomTail tail, RoomTable table, RoomMembers members, RoomDelivery delivery,
    RoomModeration moderation, TimeProvider clock, IActorRef self)
{
    /// <summary>
    /// A report as the table holds it (null: no such message to report), asked to be stored at <paramref name="At"/>;
    /// failed when the table could not be reached.
    /// </summary>
    public sealed record Stored(ReportMessage Report, IActorRef Reporter, DateTimeOffset At, ReportRow? Row, bool Failed) : INoSerializationVerificationNeeded;

    /// <summary>A page of reports read for <paramref name="Requester"/>.</summary>
    public sealed record Read(GetReports Ask, IActorRef Requester, IReadOnlyList<ReportRow> Rows, bool Failed) : INoSerializationVerificationNeeded;

    public void Report(ReportMessage report, IActorRef reporter)
    {
        if (!members.Contains(reporter))
        {
            reporter.Tell(new NotMember(room, report.Id));
            return;
        }
        if (report.Seq > tail.Seq)
        {
            Refuse(reporter, report, ErrorCodes.NotFound, $"no message {report.Seq} in room '{room}'");
            return;
        }
        var at = clock.GetUtcNow();
        // The table knows every message the room stored once it has caught up: the report names one it holds.
        table.WhenCaughtUp(() => table.Table.WriteReportAsync(room, report.User, report.Id, report.Seq, report.Reason, at).PipeTo(self,
            success: row => new Stored(report, reporter, at, row, Failed: false),
            failure: _ => new Stored(report, reporter, at, null, Failed: true)));
    }

    public void Answer(Stored stored)
    {
        var (report, reporter, at, row, failed) = stored;
        // Not stored: the connection holds the report and sends it again.
        if (failed)
            return;
        if (row is null)
        {
            Refuse(reporter, report, ErrorCodes.NotFound, $"no message {report.Seq} of someone else in room '{room}' to report");
            return;
        }
        delivery.SendTo(reporter, new Acked(room, report.Id, 0, ServerFrames.Ack(room, report.Id, 0, row.At, tail.Rev)));
        // A retry of a report stored before is not news to the moderators.
        if (row.At != at)
            return;
        foreach (var (connection, user) in members.All)
        {
            if (moderation.Moderates(user, admin: false))
                delivery.SendTo(connection, new Deliver(ServerFrames.Report(row, user)));
        }
    }

    public void List(GetReports ask, IActorRef requester)
    {
        if (!moderation.Moderates(ask.User, ask.Admin))
        {
            delivery.SendTo(requester, new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Forbidden,
                "only the room's moderators and owners read its reports", room))));
            return;
        }
        table.Table.ReadReportsAsync(room, ask.Before, ask.Limit, ask.Open).PipeTo(self,
            success: rows => new Read(ask, requester, rows, Failed: false),
            failure: _ => new Read(ask, requester, [], Failed: true));
    }

    /// <summary>The reports of a message marked handled (<paramref name="Count"/> of them), or not (<paramref name="Failed"/>).</summary>
    public sealed record Resolved(ResolveReports Ask, IActorRef Requester, int Count, bool Failed) : INoSerializationVerificationNeeded;

    public void Resolve(ResolveReports ask, IActorRef requester)
    {
        if (!moderation.Moderates(ask.User, ask.Admin))
        {
            delivery.SendTo(requester, new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Forbidden,
                "only the room's moderators and owners handle its reports", ask.Id))));
            return;
        }
        table.Table.ResolveReportsAsync(room, ask.Seq, ask.User, clock.GetUtcNow()).PipeTo(self,
            success: count => new Resolved(ask, requester, count, Failed: false),
            failure: _ => new Resolved(ask, requester, 0, Failed: true));
    }

    public void Answer(Resolved resolved)
    {
        var (ask, requester, count, failed) = resolved;
        if (failed)
        {
            delivery.SendTo(requester, new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable,
                "the reports could not be marked handled right now; send it again", ask.Id))));
            return;
        }
        delivery.SendTo(requester, new Deliver(ServerFrames.Ack(room, ask.Id, 0, clock.GetUtcNow(), tail.Rev)));
        if (count == 0)
            return;
        var frame = ServerFrames.Resolved(room, ask.Seq, ask.User);
        foreach (var (connection, user) in members.All)
        {
            if (!connection.Equals(requester) && moderation.Moderates(user, admin: false))
                delivery.SendTo(connection, new Deliver(frame));
        }
    }

    public void Answer(Read read) => delivery.SendTo(read.Requester, new Deliver(read.Failed
        ? ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "the reports could not be read right now; try again", room))
        : ServerFrames.Reports(room, read.Rows, read.Ask.User)));

    private void Refuse(IActorRef reporter, ReportMessage report, string code, string message) =>
        delivery.SendTo(reporter, new SendRefused(room, report.Id, ServerFrames.Error(new ProtocolError(code, message, report.Id))));
}
