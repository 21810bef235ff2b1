using ActorChat.Accounts;
using ActorChat.Connections;
using ActorChat.Delivery;
using ActorChat.Diagnostics;
using ActorChat.Protocol;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.Serialization;
using static ActorChat.Serialization.BinaryFields;

namespace ActorChat.Serialization;

/// <summary>
/// The positional binary encoding that nodes of the versions before <see cref="ProtobufWireSerializer"/> send.
/// Every node keeps it to read what such a node sends during a rolling upgrade, and writes it only while
/// <c>ActorChat:Cluster:WireFormat</c> is <c>Binary</c>, the first step of that upgrade (docs/operations.md).
/// Nothing is added to it: new fields go into <c>wire.proto</c>.
/// </summary>
public sealed class BinaryWireSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 7302;

    private readonly BinaryWireReader _reader = new(system);

    public override int Identifier => SerializerId;

    /// <summary>
    /// Messages newer than this encoding, which has none for them: they travel in Protobuf whatever the wire format,
    /// since a node that reads only this encoding knows neither the messages nor the actors they are for.
    /// </summary>
    public static IReadOnlySet<Type> Newer { get; } = new HashSet<Type> { typeof(GetNodeFigures), typeof(NodeFigures) };

    public override string Manifest(object o) => o switch
    {
        HubPart => "hub-part",
        HubFanout => "hub-fanout",
        HubDirect => "hub-direct",
        HubAdmit => "hub-admit",
        HubDismiss => "hub-dismiss",
        Join => "join",
        NotMember => "not-member",
        Leave => "leave",
        Post => "post",
        ChangeMessage => "change",
        ChangeMembership => "membership",
        JoinRefused => "join-refused",
        Typing => "typing",
        MarkRead => "mark-read",
        MarkReceived => "mark-received",
        GetHistory => "get-history",
        WhereAreYou => "where-are-you",
        MayRead => "may-read",
        ReadAccess => "read-access",
        RoomLocation => "room-location",
        Deliver => "deliver",
        DeliverBatch => "deliver-batch",
        DeliverSequenced => "deliver-seq",
        Acked => "acked",
        JoinedRoom => "joined",
        LeftRoom => "left",
        Register => "register",
        GetCredentials => "get-credentials",
        Registered => "registered",
        UsernameTaken => "username-taken",
        AccountCredentials => "credentials",
        GetSecurity => "get-security",
        OpenConnection => "open-connection",
        RevokeSession => "revoke-session",
        RevokeAllSessions => "revoke-all-sessions",
        AccountSecurity => "account-security",
        ConnectionOpened => "connection-opened",
        ConnectionRefused => "connection-refused",
        SessionEnded => "session-ended",
        ListRoom => "list-room",
        SpendInvitation => "spend-invitation",
        CheckInvitation => "check-invitation",
        InvitationAnswer => "invitation-answer",
        UnlistRoom => "unlist-room",
        GetRooms => "get-rooms",
        RoomList => "room-list",
        RoomListChange => "room-list-change",
        _ => throw new ArgumentException($"{o.GetType()} is not a wire message of ActorChat", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var buffer = new MemoryStream(64);
        using (var w = new BinaryWriter(buffer))
        {
            switch (obj)
            {
                case HubPart m: w.Write(m.Manifest); w.Write(m.Index); w.Write(m.Count); WriteBytes(w, m.Bytes); break;
                case HubFanout m: WriteRefs(w, m.Except); WriteDelivery(w, m.Delivery); break;
                case HubDirect m: WriteRef(w, m.Connection); WriteDelivery(w, m.Delivery); break;
                case HubAdmit m: WriteRef(w, m.Connection); WriteDelivery(w, m.Delivery); break;
                case HubDismiss m:
                    WriteRef(w, m.Connection);
                    w.Write(m.Delivery is not null);
                    if (m.Delivery is not null)
                        WriteDelivery(w, m.Delivery);
                    break;
                case Join m: w.Write(m.Room); w.Write(m.User); WriteOptional(w, m.Since); WriteRef(w, m.Hub); WriteStrings(w, m.Unacked); WriteOptional(w, m.Rev); WriteOptional(w, m.Create); break;
                case ChangeMembership m: w.Write(m.Room); w.Write(m.User); w.Write(m.Member); w.Write(m.Invite); break;
                case JoinRefused m: w.Write(m.Room); w.Write(m.Code); w.Write(m.Message); break;
                case NotMember m: w.Write(m.Room); w.Write(m.Id); break;
                case Leave m: w.Write(m.Room); w.Write(m.User); break;
                case Post m:
                    w.Write(m.Room);
                    w.Write(m.User);
                    w.Write(m.Id);
                    w.Write(m.Text);
                    WriteOptional(w, m.ReplyTo);
                    w.Write(m.Attachment is not null);
                    if (m.Attachment is { } attachment)
                    {
                        w.Write(attachment.Id);
                        w.Write(attachment.ContentType);
                        w.Write(attachment.Size);
                        w.Write(attachment.Width);
                        w.Write(attachment.Height);
                    }
                    break;
                case ChangeMessage m: w.Write(m.Room); w.Write(m.User); w.Write(m.Id); w.Write(m.Seq); w.Write((byte)m.Kind); w.Write(m.Value); break;
                case Typing m: w.Write(m.Room); w.Write(m.User); break;
                case MarkRead m: w.Write(m.Room); w.Write(m.User); w.Write(m.Seq); break;
                case MarkReceived m: w.Write(m.Room); w.Write(m.User); w.Write(m.Seq); break;
                case GetHistory m: w.Write(m.Room); WriteOptional(w, m.Before); w.Write(m.Limit); break;
                case WhereAreYou m: w.Write(m.Room); break;
                case MayRead m: w.Write(m.Room); w.Write(m.User); break;
                case ReadAccess m: w.Write(m.Room); w.Write(m.Allowed); break;
                case RoomLocation m: w.Write(m.Room); w.Write(m.Node); break;
                case Deliver m: WriteBytes(w, m.Frame); break;
                case DeliverBatch m:
                    w.Write7BitEncodedInt(m.Frames.Count);
                    foreach (var frame in m.Frames)
                        WriteBytes(w, frame);
                    break;
                case DeliverSequenced m: w.Write(m.Room); w.Write(m.Seq); WriteBytes(w, m.Frame); break;
                case Acked m: w.Write(m.Room); w.Write(m.Id); w.Write(m.Seq); WriteBytes(w, m.Frame); break;
                case JoinedRoom m:
                    w.Write(m.Room);
                    w.Write(m.Seq);
                    WriteBytes(w, m.Frame);
                    w.Write7BitEncodedInt(m.Reads?.Count ?? 0);
                    foreach (var read in m.Reads ?? [])
                        WriteBytes(w, read);
                    w.Write(m.Private);
                    break;
                case LeftRoom m: w.Write(m.Room); WriteBytes(w, m.Frame); w.Write(m.Removed); break;
                case Register m: w.Write(m.Username); w.Write(m.PasswordHash); break;
                case GetCredentials m: w.Write(m.Username); break;
                case Registered m: w.Write(m.Username); break;
                case UsernameTaken: break;
                case AccountCredentials m: WriteOptional(w, m.Username); WriteOptional(w, m.PasswordHash); w.Write(m.Generation); break;
                case GetSecurity m: w.Write(m.Username); break;
                case OpenConnection m: w.Write(m.Username); w.Write(m.Session); w.Write(m.Generation); WriteRef(w, m.Connection); break;
                case RevokeSession m: w.Write(m.Username); w.Write(m.Session); w.Write(m.Until.UtcTicks); break;
                case RevokeAllSessions m: w.Write(m.Username); break;
                case AccountSecurity m: w.Write(m.Key); w.Write(m.Generation); WriteStrings(w, m.Revoked); break;
                case ConnectionOpened m: w.Write(m.Security.Key); w.Write(m.Security.Generation); WriteStrings(w, m.Security.Revoked); break;
                case ConnectionRefused m: w.Write(m.Key); w.Write(m.Reason); break;
                case SessionEnded m: w.Write(m.Key); break;
                case ListRoom m: w.Write(m.Username); w.Write(m.Room); w.Write((byte)m.Kind); WriteOptional(w, m.InvitedBy); break;
                case SpendInvitation m: w.Write(m.Username); break;
                case CheckInvitation m: w.Write(m.Username); w.Write(m.Inviter); w.Write(m.Room); break;
                case InvitationAnswer m: WriteOptional(w, m.Code); w.Write(m.Message); break;
                case UnlistRoom m:
                    w.Write(m.Username);
                    w.Write(m.Room);
                    w.Write(m.Reason);
                    w.Write(m.ReplyTo is not null);
                    if (m.ReplyTo is not null)
                        WriteRef(w, m.ReplyTo);
                    break;
                case GetRooms m: w.Write(m.Username); break;
                case RoomList m:
                    w.Write7BitEncodedInt(m.Rooms.Count);
                    foreach (var listed in m.Rooms)
                    {
                        w.Write(listed.Room);
                        w.Write((byte)listed.Kind);
                    }
                    // After the list, where a node of an earlier version stops reading: each room's inviter.
                    foreach (var listed in m.Rooms)
                        WriteOptional(w, listed.InvitedBy);
                    break;
                case RoomListChange m: w.Write(m.Room); w.Write((byte)m.Kind); w.Write(m.Change); w.Write(m.Answer); WriteOptional(w, m.InvitedBy); break;
                default: throw new ArgumentException($"{obj.GetType()} is not a wire message of ActorChat", nameof(obj));
            }
        }
        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest) => _reader.Read(bytes, manifest);

    // A delivery inside a hub message: the frame bytes are written as they are, once.
    private void WriteDelivery(BinaryWriter w, object delivery)
    {
        w.Write(Manifest(delivery));
        WriteBytes(w, ToBinary(delivery));
    }
}
