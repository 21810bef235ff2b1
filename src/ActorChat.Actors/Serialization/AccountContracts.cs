using ActorChat.Accounts;
using ActorChat.Protocol;
using ActorChat.Rooms;
using Google.Protobuf.WellKnownTypes;
using W = ActorChat.Serialization.Contracts;

namespace ActorChat.Serialization;

/// <summary>The contracts of what is asked of an account and what it answers.</summary>
internal static class AccountContracts
{
    public static void AddTo(WireContracts wire)
    {
        wire.Add<Register, W.Register>("register", m => new() { Username = m.Username, PasswordHash = m.PasswordHash }, p => new(p.Username, p.PasswordHash));
        wire.Add<GetCredentials, W.GetCredentials>("get-credentials", m => new() { Username = m.Username }, p => new(p.Username));
        wire.Add<Registered, W.Registered>("registered", m => new() { Username = m.Username }, p => new(p.Username));
        wire.Add<UsernameTaken, W.UsernameTaken>("username-taken", _ => new(), _ => new());
        wire.Add<AccountCredentials, W.AccountCredentials>("credentials", m =>
            {
                var credentials = new W.AccountCredentials { Generation = m.Generation };
                if (m.Username is not null)
                    credentials.Username = m.Username;
                if (m.PasswordHash is not null)
                    credentials.PasswordHash = m.PasswordHash;
                if (m.Suspension is not null)
                    credentials.Suspension = Suspension(m.Suspension);
                return credentials;
            },
            p => new(p.HasUsername ? p.Username : null, p.HasPasswordHash ? p.PasswordHash : null, p.Generation,
                p.Suspension is null ? null : Suspension(p.Suspension)));
        wire.Add<SuspendAccount, W.SuspendAccount>("suspend-account", m =>
            {
                var suspend = new W.SuspendAccount { Username = m.Username, By = m.By, Reason = m.Reason };
                if (m.Until is { } until)
                    suspend.Until = until.ToUnixTimeMilliseconds();
                return suspend;
            },
            p => new(p.Username, p.By, p.Reason, p.HasUntil ? DateTimeOffset.FromUnixTimeMilliseconds(p.Until) : null));
        wire.Add<ChangeBlock, W.ChangeBlock>("change-block", m => new() { Username = m.Username, Other = m.Other, Block = m.Block },
            p => new(p.Username, p.Other, p.Block));
        wire.Add<GetBlocks, W.GetBlocks>("get-blocks", m => new() { Username = m.Username }, p => new(p.Username));
        wire.Add<CheckContact, W.CheckContact>("check-contact", m => new() { Username = m.Username, From = m.From }, p => new(p.Username, p.From));
        wire.Add<ContactAnswer, W.ContactAnswer>("contact-answer", m =>
            {
                var answer = new W.ContactAnswer { Blocked = m.Blocked };
                if (m.Username is not null)
                    answer.Username = m.Username;
                return answer;
            },
            p => new(p.HasUsername ? p.Username : null, p.Blocked));
        wire.Add<BlockList, W.BlockList>("block-list", m =>
            {
                var list = new W.BlockList { Users = { m.Users } };
                if (m.Refusal is not null)
                    list.Refusal = m.Refusal;
                return list;
            },
            p => new([.. p.Users], p.HasRefusal ? p.Refusal : null));
        wire.Add<LiftSuspension, W.LiftSuspension>("lift-suspension", m => new() { Username = m.Username, By = m.By }, p => new(p.Username, p.By));
        wire.Add<AccountSuspension, W.AccountSuspension>("account-suspension", Suspension, Suspension);
        wire.Add<GetSecurity, W.GetSecurity>("get-security", m => new() { Username = m.Username }, p => new(p.Username));
        wire.Add<OpenConnection, W.OpenConnection>("open-connection",
            m => new() { Username = m.Username, Session = m.Session, Generation = m.Generation, Connection = WireContracts.PathOf(m.Connection) },
            p => new(p.Username, p.Session, p.Generation, wire.RefOf(p.Connection)));
        wire.Add<RevokeSession, W.RevokeSession>("revoke-session",
            m => new() { Username = m.Username, Session = m.Session, Until = Timestamp.FromDateTimeOffset(m.Until) },
            p => new(p.Username, p.Session, p.Until.ToDateTimeOffset()));
        wire.Add<RevokeAllSessions, W.RevokeAllSessions>("revoke-all-sessions", m => new() { Username = m.Username }, p => new(p.Username));
        wire.Add<AccountSecurity, W.AccountSecurity>("account-security", Security, Security);
        wire.Add<ConnectionOpened, W.ConnectionOpened>("connection-opened", m => new() { Security = Security(m.Security) }, p => new(Security(p.Security)));
        wire.Add<ConnectionRefused, W.ConnectionRefused>("connection-refused", m => new() { Key = m.Key, Reason = m.Reason }, p => new(p.Key, p.Reason));
        wire.Add<SessionEnded, W.SessionEnded>("session-ended", m => new() { Key = m.Key, Reason = m.Reason }, p => new(p.Key, p.Reason));

        wire.Add<ListRoom, W.ListRoom>("list-room", m =>
            {
                var list = new W.ListRoom { Username = m.Username, Room = m.Room, Kind = (W.RoomKind)m.Kind };
                if (m.InvitedBy is not null)
                    list.InvitedBy = m.InvitedBy;
                return list;
            },
            p => new(p.Username, p.Room, (RoomKind)p.Kind, p.HasInvitedBy ? p.InvitedBy : null));
        wire.Add<SpendInvitation, W.SpendInvitation>("spend-invitation", m => new() { Username = m.Username }, p => new(p.Username));
        wire.Add<CheckInvitation, W.CheckInvitation>("check-invitation",
            m => new() { Username = m.Username, Inviter = m.Inviter, Room = m.Room },
            p => new(p.Username, p.Inviter, p.Room));
        wire.Add<InvitationAnswer, W.InvitationAnswer>("invitation-answer", m =>
            {
                var answer = new W.InvitationAnswer { Message = m.Message };
                if (m.Code is not null)
                    answer.Code = m.Code;
                if (m.Username is not null)
                    answer.Username = m.Username;
                return answer;
            },
            p => new(p.HasCode ? p.Code : null, p.Message, p.HasUsername ? p.Username : null));
        wire.Add<UnlistRoom, W.UnlistRoom>("unlist-room", m =>
            {
                var unlist = new W.UnlistRoom { Username = m.Username, Room = m.Room, Reason = m.Reason };
                if (m.ReplyTo is not null)
                    unlist.ReplyTo = WireContracts.PathOf(m.ReplyTo);
                return unlist;
            },
            p => new(p.Username, p.Room, p.Reason, p.HasReplyTo ? wire.RefOf(p.ReplyTo) : null));
        wire.Add<GetRooms, W.GetRooms>("get-rooms", m => new() { Username = m.Username }, p => new(p.Username));
        wire.Add<RoomList, W.RoomList>("room-list",
            m => new() { Rooms = { m.Rooms.Select(Listed) } },
            p => new([.. p.Rooms.Select(room => new ListedRoom(room.Room, (RoomKind)room.Kind, room.HasInvitedBy ? room.InvitedBy : null))]));
        wire.Add<RoomListChange, W.RoomListChange>("room-list-change", m =>
            {
                var change = new W.RoomListChange { Room = m.Room, Kind = (W.RoomKind)m.Kind, Change = m.Change, Answer = m.Answer };
                if (m.InvitedBy is not null)
                    change.InvitedBy = m.InvitedBy;
                return change;
            },
            p => new(p.Room, (RoomKind)p.Kind, p.Change, p.Answer, p.HasInvitedBy ? p.InvitedBy : null));
        wire.Add<SetRoomNotify, W.SetRoomNotify>("set-room-notify",
            m => new() { Username = m.Username, Room = m.Room, Level = (W.RoomNotify)m.Level, ReplyTo = WireContracts.PathOf(m.ReplyTo) },
            p => new(p.Username, p.Room, (RoomNotify)p.Level, wire.RefOf(p.ReplyTo)));
        wire.Add<RoomNotifyChange, W.RoomNotifyChange>("room-notify-change",
            m => new() { Room = m.Room, Level = (W.RoomNotify)m.Level, Answer = m.Answer },
            p => new(p.Room, (RoomNotify)p.Level, p.Answer));
        wire.Add<UserProfile, W.UserProfile>("user-profile", Profile, Profile);
        wire.Add<SetProfile, W.SetProfile>("set-profile", m =>
            {
                var edit = new W.ProfileEdit { SetName = m.Edit.SetName, SetStatus = m.Edit.SetStatus, SetAvatar = m.Edit.SetAvatar };
                if (m.Edit.Name is not null)
                    edit.Name = m.Edit.Name;
                if (m.Edit.Status is not null)
                    edit.Status = m.Edit.Status;
                if (m.Edit.Avatar is not null)
                    edit.Avatar = m.Edit.Avatar;
                return new() { Username = m.Username, Edit = edit };
            },
            p => new(p.Username, new ProfileEdit(p.Edit.SetName, p.Edit.HasName ? p.Edit.Name : null, p.Edit.SetStatus,
                p.Edit.HasStatus ? p.Edit.Status : null, p.Edit.SetAvatar, p.Edit.HasAvatar ? p.Edit.Avatar : null)));
        wire.Add<ProfileRefused, W.ProfileRefused>("profile-refused", m => new() { Code = m.Code, Message = m.Message }, p => new(p.Code, p.Message));
    }

    /// <summary>A profile on the wire: shared with <see cref="RoomContracts"/>, which carries it to rooms.</summary>
    public static W.UserProfile Profile(UserProfile m)
    {
        var profile = new W.UserProfile { User = m.User, Rev = m.Rev };
        if (m.Name is not null)
            profile.Name = m.Name;
        if (m.Status is not null)
            profile.Status = m.Status;
        if (m.Avatar is not null)
            profile.Avatar = m.Avatar;
        return profile;
    }

    public static UserProfile Profile(W.UserProfile p) =>
        new(p.User, p.HasName ? p.Name : null, p.HasStatus ? p.Status : null, p.HasAvatar ? p.Avatar : null, p.Rev);

    private static W.AccountSecurity Security(AccountSecurity m) => new() { Key = m.Key, Generation = m.Generation, Revoked = { m.Revoked } };

    private static AccountSecurity Security(W.AccountSecurity p) => new(p.Key, p.Generation, [.. p.Revoked]);

    private static W.ListedRoom Listed(ListedRoom room)
    {
        var listed = new W.ListedRoom { Room = room.Room, Kind = (W.RoomKind)room.Kind };
        if (room.InvitedBy is not null)
            listed.InvitedBy = room.InvitedBy;
        return listed;
    }

    private static W.AccountSuspension Suspension(AccountSuspension m)
    {
        var suspension = new W.AccountSuspension { Suspended = m.Suspended, Reason = m.Reason };
        if (m.Username is not null)
            suspension.Username = m.Username;
        if (m.Until is { } until)
            suspension.Until = until.ToUnixTimeMilliseconds();
        return suspension;
    }

    private static AccountSuspension Suspension(W.AccountSuspension p) =>
        new(p.HasUsername ? p.Username : null, p.Suspended, p.Reason, p.HasUntil ? DateTimeOffset.FromUnixTimeMilliseconds(p.Until) : null);
}
