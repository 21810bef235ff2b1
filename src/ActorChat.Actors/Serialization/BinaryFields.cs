using ActorChat.Accounts;
using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Serialization;

/// <summary>
/// The pieces every message of the <see cref="BinaryWireSerializer"/> is written and read with: optional values,
/// byte strings, actor references, lists.
/// </summary>
internal static class BinaryFields
{
    public static void WriteOptional(BinaryWriter w, long? value)
    {
        w.Write(value.HasValue);
        if (value.HasValue)
            w.Write(value.Value);
    }

    public static void WriteOptional(BinaryWriter w, bool? value)
    {
        w.Write(value.HasValue);
        if (value.HasValue)
            w.Write(value.Value);
    }

    public static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
            w.Write(value);
    }

    public static void WriteBytes(BinaryWriter w, byte[] bytes)
    {
        w.Write7BitEncodedInt(bytes.Length);
        w.Write(bytes);
    }

    public static void WriteRef(BinaryWriter w, IActorRef actor) => w.Write(Akka.Serialization.Serialization.SerializedActorPath(actor));

    public static void WriteRefs(BinaryWriter w, IReadOnlyList<IActorRef> refs)
    {
        w.Write7BitEncodedInt(refs.Count);
        foreach (var actor in refs)
            WriteRef(w, actor);
    }

    public static void WriteStrings(BinaryWriter w, IReadOnlyList<string>? values)
    {
        w.Write7BitEncodedInt(values?.Count ?? 0);
        foreach (var value in values ?? [])
            w.Write(value);
    }

    public static string[]? ReadStrings(BinaryReader r)
    {
        var count = r.Read7BitEncodedInt();
        if (count == 0)
            return null;
        var values = new string[count];
        for (var i = 0; i < count; i++)
            values[i] = r.ReadString();
        return values;
    }

    public static ListedRoom[] ReadListedRooms(BinaryReader r)
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

    public static long? ReadOptionalLong(BinaryReader r) => r.ReadBoolean() ? r.ReadInt64() : null;

    public static bool? ReadOptionalBool(BinaryReader r) => r.ReadBoolean() ? r.ReadBoolean() : null;

    public static string? ReadOptionalString(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    public static byte[][] ReadFrames(BinaryReader r)
    {
        var frames = new byte[r.Read7BitEncodedInt()][];
        for (var i = 0; i < frames.Length; i++)
            frames[i] = ReadBytes(r);
        return frames;
    }

    public static byte[] ReadBytes(BinaryReader r) => r.ReadBytes(r.Read7BitEncodedInt());
}
