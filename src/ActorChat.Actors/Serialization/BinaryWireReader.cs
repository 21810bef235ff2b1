using ActorChat.Accounts;
using ActorChat.Connections;
using ActorChat.Delivery;
using ActorChat.Protocol;
using ActorChat.Rooms;
using Akka.Actor;
using static ActorChat.Serialization.BinaryFields;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace ActorChat.Serialization;

/// <summary>
/// The reading half of the <see cref="BinaryWireSerializer"/>: each manifest's reader, with the references to actors
/// resolved by the actor system. A message of a node of an earlier version may end early; each reader takes what is
/// there.
/// </summary>
internal sealed class BinaryWireReader(ExtendedActorSystem system)
{
    private Dictionary<string, Func<BinaryReader, object>>? _readers;

    private Dictionary<string, Func<BinaryReader, object>> Readers => _readers ??= new()
    {
        ["hub-part"] = r => new HubPart(r.ReadString(), r.ReadInt32(), r.ReadInt32(), ReadBytes(r), BinaryWireSerializer.SerializerId),
        ["hub-fanout"] = r => new HubFanout(ReadRefs(r), ReadDelivery(r)),
        ["hub-direct"] = r => new HubDirect(ReadRef(r), ReadDelivery(r)),
        ["hub-admit"] = r => new HubAdmit(ReadRef(r), ReadDelivery(r)),
        ["hub-dismiss"] = r => new HubDismiss(ReadRef(r), r.ReadBoolean() ? ReadDelivery(r) : null),
        // A join from a node of an earlier version ends before the revision.
        ["join"] = r => new Join(r.ReadString(), r.ReadString(), ReadOptionalLong(r), ReadRef(r), ReadStrings(r),
            r.BaseStream.Position < r.BaseStream.Length ? ReadOptionalLong(r) : null,
            r.BaseStream.Position < r.BaseStream.Length ? ReadOptionalBool(r) : null),
        ["membership"] = r => new ChangeMembership(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadBoolean()),
        ["join-refused"] = r => new JoinRefused(r.ReadString(), r.ReadString(), r.ReadString()),
        ["not-member"] = r => new NotMember(r.ReadString(), r.ReadString()),
        ["leave"] = r => new Leave(r.ReadString(), r.ReadString()),
        // A post from a node of an earlier version ends before the reply.
        ["post"] = r => new Post(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString(), r.BaseStream.Position < r.BaseStream.Length ? ReadOptionalLong(r) : null,
            r.BaseStream.Position < r.BaseStream.Length && r.ReadBoolean() ? new MessageAttachment(r.ReadString(), r.ReadString(), r.ReadInt64(), r.ReadInt32(), r.ReadInt32()) : null),
        ["change"] = r => new ChangeMessage(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadInt64(), (ChangeKind)r.ReadByte(), r.ReadString()),
        ["typing"] = r => new Typing(r.ReadString(), r.ReadString()),
        ["mark-read"] = r => new MarkRead(r.ReadString(), r.ReadString(), r.ReadInt64()),
        ["mark-received"] = r => new MarkReceived(r.ReadString(), r.ReadString(), r.ReadInt64()),
        ["get-history"] = r => new GetHistory(r.ReadString(), ReadOptionalLong(r), r.ReadInt32()),
        ["where-are-you"] = r => new WhereAreYou(r.ReadString()),
        ["may-read"] = r => new MayRead(r.ReadString(), r.ReadString()),
        ["read-access"] = r => new ReadAccess(r.ReadString(), r.ReadBoolean()),
        ["room-location"] = r => new RoomLocation(r.ReadString(), r.ReadString()),
        ["deliver"] = r => new Deliver(ReadBytes(r)),
        ["deliver-batch"] = r => new DeliverBatch(ReadFrames(r)),
        ["deliver-seq"] = r => new DeliverSequenced(r.ReadString(), r.ReadInt64(), ReadBytes(r)),
        ["acked"] = r => new Acked(r.ReadString(), r.ReadString(), r.ReadInt64(), ReadBytes(r)),
        ["joined"] = r => new JoinedRoom(r.ReadString(), r.ReadInt64(), ReadBytes(r), ReadFrames(r) is { Length: > 0 } reads ? reads : null,
            r.BaseStream.Position < r.BaseStream.Length && r.ReadBoolean()),
        ["left"] = r => new LeftRoom(r.ReadString(), ReadBytes(r), r.BaseStream.Position < r.BaseStream.Length && r.ReadBoolean()),
        ["register"] = r => new Register(r.ReadString(), r.ReadString()),
        ["get-credentials"] = r => new GetCredentials(r.ReadString()),
        ["registered"] = r => new Registered(r.ReadString()),
        ["username-taken"] = _ => new UsernameTaken(),
        ["credentials"] = r => new AccountCredentials(ReadOptionalString(r), ReadOptionalString(r), r.ReadInt64()),
        ["get-security"] = r => new GetSecurity(r.ReadString()),
        ["open-connection"] = r => new OpenConnection(r.ReadString(), r.ReadString(), r.ReadInt64(), ReadRef(r)),
        ["revoke-session"] = r => new RevokeSession(r.ReadString(), r.ReadString(), new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero)),
        ["revoke-all-sessions"] = r => new RevokeAllSessions(r.ReadString()),
        ["account-security"] = r => new AccountSecurity(r.ReadString(), r.ReadInt64(), ReadStrings(r) ?? []),
        ["connection-opened"] = r => new ConnectionOpened(new AccountSecurity(r.ReadString(), r.ReadInt64(), ReadStrings(r) ?? [])),
        ["connection-refused"] = r => new ConnectionRefused(r.ReadString(), r.ReadString()),
        ["session-ended"] = r => new SessionEnded(r.ReadString()),
        ["list-room"] = r => new ListRoom(r.ReadString(), r.ReadString(), (RoomKind)r.ReadByte(),
            r.BaseStream.Position < r.BaseStream.Length ? ReadOptionalString(r) : null),
        ["spend-invitation"] = r => new SpendInvitation(r.ReadString()),
        ["check-invitation"] = r => new CheckInvitation(r.ReadString(), r.ReadString(), r.ReadString()),
        ["invitation-answer"] = r => new InvitationAnswer(ReadOptionalString(r), r.ReadString()),
        ["unlist-room"] = r => new UnlistRoom(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadBoolean() ? ReadRef(r) : null),
        ["get-rooms"] = r => new GetRooms(r.ReadString()),
        ["room-list"] = r => new RoomList(ReadListedRooms(r)),
        ["room-list-change"] = r => new RoomListChange(r.ReadString(), (RoomKind)r.ReadByte(), r.ReadString(), r.ReadBoolean(),
            r.BaseStream.Position < r.BaseStream.Length ? ReadOptionalString(r) : null),
    };

    /// <summary>The message of <paramref name="manifest"/> in <paramref name="bytes"/>.</summary>
    public object Read(byte[] bytes, string manifest)
    {
        if (!Readers.TryGetValue(manifest, out var read))
            throw new SerializationException($"unknown wire manifest '{manifest}'");
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        return read(reader);
    }

    private object ReadDelivery(BinaryReader r)
    {
        var manifest = r.ReadString();
        return Read(ReadBytes(r), manifest);
    }

    private IActorRef ReadRef(BinaryReader r) => system.Provider.ResolveActorRef(r.ReadString());

    private IActorRef[] ReadRefs(BinaryReader r)
    {
        var count = r.Read7BitEncodedInt();
        if (count == 0)
            return [];
        var refs = new IActorRef[count];
        for (var i = 0; i < refs.Length; i++)
            refs[i] = ReadRef(r);
        return refs;
    }
}
