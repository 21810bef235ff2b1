using ActorChat.Protocol;
using ActorChat.Rooms;
using W = ActorChat.Serialization.Contracts;

namespace ActorChat.Serialization;

/// <summary>The contracts of what is asked of a room and what it answers outside a delivery.</summary>
internal static class RoomContracts
{
    public static void AddTo(WireContracts wire)
    {
        wire.Add<Join, W.Join>("join", m =>
            {
                var join = new W.Join { Room = m.Room, User = m.User, Hub = WireContracts.PathOf(m.Hub), Unacked = { m.Unacked ?? [] } };
                if (m.Since is { } since)
                    join.Since = since;
                if (m.Rev is { } rev)
                    join.Rev = rev;
                if (m.Create is { } create)
                    join.Create = create;
                return join;
            },
            p => new Join(p.Room, p.User, p.HasSince ? p.Since : null, wire.RefOf(p.Hub), p.Unacked.Count > 0 ? [.. p.Unacked] : null,
                p.HasRev ? p.Rev : null, p.HasCreate ? p.Create : null));
        wire.Add<ChangeMembership, W.ChangeMembership>("membership",
            m => new() { Room = m.Room, User = m.User, Member = m.Member, Invite = m.Invite },
            p => new(p.Room, p.User, p.Member, p.Invite));
        wire.Add<Leave, W.Leave>("leave", m => new() { Room = m.Room, User = m.User }, p => new(p.Room, p.User));
        wire.Add<GetModerationLog, W.GetModerationLog>("get-moderation-log", m =>
            {
                var log = new W.GetModerationLog { Room = m.Room, User = m.User, Limit = m.Limit, Admin = m.Admin };
                if (m.Before is { } before)
                    log.Before = before;
                return log;
            },
            p => new(p.Room, p.User, p.HasBefore ? p.Before : null, p.Limit, p.Admin));
        wire.Add<ReportMessage, W.ReportMessage>("report-message",
            m => new() { Room = m.Room, User = m.User, Id = m.Id, Seq = m.Seq, Reason = m.Reason },
            p => new(p.Room, p.User, p.Id, p.Seq, p.Reason));
        wire.Add<GetReports, W.GetReports>("get-reports", m =>
            {
                var get = new W.GetReports { Room = m.Room, User = m.User, Limit = m.Limit, Admin = m.Admin, Open = m.Open };
                if (m.Before is { } before)
                    get.Before = before.ToUnixTimeMilliseconds();
                return get;
            },
            p => new(p.Room, p.User, p.HasBefore ? DateTimeOffset.FromUnixTimeMilliseconds(p.Before) : null, p.Limit, p.Admin, p.Open));
        wire.Add<ShareProfile, W.ShareProfile>("share-profile",
            m => new() { Room = m.Room, Profile = AccountContracts.Profile(m.Profile) },
            p => new(p.Room, AccountContracts.Profile(p.Profile)));
        wire.Add<ResolveReports, W.ResolveReports>("resolve-reports",
            m => new() { Room = m.Room, User = m.User, Id = m.Id, Seq = m.Seq, Admin = m.Admin },
            p => new(p.Room, p.User, p.Id, p.Seq, p.Admin));
        wire.Add<Moderate, W.Moderate>("moderate", m =>
            {
                var moderate = new W.Moderate
                {
                    Room = m.Room, User = m.User, Id = m.Id, Action = (W.ModerationAction)m.Action, Member = m.Member, Reason = m.Reason,
                    Seconds = m.Seconds, Admin = m.Admin,
                };
                if (m.Role is { } role)
                    moderate.Role = role;
                if (m.Until is { } until)
                    moderate.Until = until.ToUnixTimeMilliseconds();
                return moderate;
            },
            p => new(p.Room, p.User, p.Id, (ModerationAction)p.Action, p.Member, p.HasRole ? p.Role : null,
                p.HasUntil ? DateTimeOffset.FromUnixTimeMilliseconds(p.Until) : null, p.Reason, p.Seconds, p.Admin));
        wire.Add<Post, W.Post>("post", m =>
            {
                var post = new W.Post { Room = m.Room, User = m.User, Id = m.Id, Text = m.Text };
                if (m.ReplyTo is { } replyTo)
                    post.ReplyTo = replyTo;
                if (m.Attachment is { } a)
                    post.Attachment = new() { Id = a.Id, ContentType = a.ContentType, Size = a.Size, Width = a.Width, Height = a.Height };
                return post;
            },
            p => new(p.Room, p.User, p.Id, p.Text, p.HasReplyTo ? p.ReplyTo : null,
                p.Attachment is { } a ? new MessageAttachment(a.Id, a.ContentType, a.Size, a.Width, a.Height) : null));
        wire.Add<ChangeMessage, W.ChangeMessage>("change",
            m => new() { Room = m.Room, User = m.User, Id = m.Id, Seq = m.Seq, Kind = (W.ChangeKind)m.Kind, Value = m.Value },
            p => new(p.Room, p.User, p.Id, p.Seq, (ChangeKind)p.Kind, p.Value));
        wire.Add<Typing, W.Typing>("typing", m => new() { Room = m.Room, User = m.User }, p => new(p.Room, p.User));
        wire.Add<MarkRead, W.MarkRead>("mark-read", m => new() { Room = m.Room, User = m.User, Seq = m.Seq }, p => new(p.Room, p.User, p.Seq));
        wire.Add<MarkReceived, W.MarkReceived>("mark-received", m => new() { Room = m.Room, User = m.User, Seq = m.Seq }, p => new(p.Room, p.User, p.Seq));
        wire.Add<GetHistory, W.GetHistory>("get-history", m =>
            {
                var history = new W.GetHistory { Room = m.Room, Limit = m.Limit };
                if (m.Before is { } before)
                    history.Before = before;
                return history;
            },
            p => new(p.Room, p.HasBefore ? p.Before : null, p.Limit));
        wire.Add<WhereAreYou, W.WhereAreYou>("where-are-you", m => new() { Room = m.Room }, p => new(p.Room));
        wire.Add<MayRead, W.MayRead>("may-read", m => new() { Room = m.Room, User = m.User }, p => new(p.Room, p.User));
        wire.Add<ReadAccess, W.ReadAccess>("read-access", m => new() { Room = m.Room, Allowed = m.Allowed }, p => new(p.Room, p.Allowed));
        wire.Add<RoomLocation, W.RoomLocation>("room-location", m => new() { Room = m.Room, Node = m.Node }, p => new(p.Room, p.Node));
    }
}
