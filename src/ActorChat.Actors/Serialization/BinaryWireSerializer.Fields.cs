using ActorChat.Accounts;
using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Serialization;

// The pieces every message is written with: optional values, byte strings, actor references, lists.
public sealed partial class BinaryWireSerializer
{
    private static void WriteOptional(BinaryWriter w, long? value)
    {
        w.Write(value.HasValue);
        if (value.HasValue)
            w.Write(value.Value);
    }

    private static void WriteOptional(BinaryWriter w, bool? value)
    {
        w.Write(value.HasValue);
        if (value.HasValue)
            w.Write(value.Value);
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
            w.Write(value);
    }

    private static void WriteBytes(BinaryWriter w, byte[] bytes)
    {
        w.Write7BitEncodedInt(bytes.Length);
        w.Write(bytes);
    }

    // A delivery inside a hub message: the frame bytes are written as they are, once.
    private void WriteDelivery(BinaryWriter w, object delivery)
    {
        w.Write(Manifest(delivery));
        WriteBytes(w, ToBinary(delivery));
    }

    private object ReadDelivery(BinaryReader r)
    {
        var manifest = r.ReadString();
        return FromBinary(ReadBytes(r), manifest);
    }

    private static void WriteRef(BinaryWriter w, IActorRef actor) => w.Write(Akka.Serialization.Serialization.SerializedActorPath(actor));

    private IActorRef ReadRef(BinaryReader r) => _system.Provider.ResolveActorRef(r.ReadString());

    private static void WriteRefs(BinaryWriter w, IReadOnlyList<IActorRef> refs)
    {
        w.Write7BitEncodedInt(refs.Count);
        foreach (var actor in refs)
            WriteRef(w, actor);
    }

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

    private static void WriteStrings(BinaryWriter w, IReadOnlyList<string>? values)
    {
        w.Write7BitEncodedInt(values?.Count ?? 0);
        foreach (var value in values ?? [])
            w.Write(value);
    }

    private static string[]? ReadStrings(BinaryReader r)
    {
        var count = r.Read7BitEncodedInt();
        if (count == 0)
            return null;
        var values = new string[count];
        for (var i = 0; i < count; i++)
            values[i] = r.ReadString();
        return values;
    }

    private static ListedRoom[] ReadListedRooms(BinaryReader r)
    {
        var rooms = new ListedRoom[r.Read7BitEncodedInt()];
        for (var i = 0; i < rooms.Length; i++)
            rooms[i] = new ListedRoom(r.ReadString(), (RoomKind)r.ReadByte());
        // Each room's inviter follows the list; a node of an earlier version sends none.
        if (r.BaseStream.Position < r.BaseStream.Length)
        {
            for (var i = 0; i < rooms.Length; i++)
                rooms[i] = rooms[i] with { InvitedBy = ReadOptionalString(r) };
        }
        return rooms;
    }

    private static long? ReadOptionalLong(BinaryReader r) => r.ReadBoolean() ? r.ReadInt64() : null;

    private static bool? ReadOptionalBool(BinaryReader r) => r.ReadBoolean() ? r.ReadBoolean() : null;

    private static string? ReadOptionalString(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static byte[][] ReadFrames(BinaryReader r)
    {
        var frames = new byte[r.Read7BitEncodedInt()][];
        for (var i = 0; i < frames.Length; i++)
            frames[i] = ReadBytes(r);
        return frames;
    }

    private static byte[] ReadBytes(BinaryReader r) => r.ReadBytes(r.Read7BitEncodedInt());
}
