using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ActorChat.Accounts;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace ActorChat.Serialization;

/// <summary>
/// Serializes stored events and snapshots as JSON under stable manifests, so that renaming or moving a CLR type
/// never breaks recovery of what is already in the journal.
/// </summary>
public sealed class ChatSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 7301;

    private static readonly Dictionary<Type, (string Manifest, JsonTypeInfo Info)> ByType = new()
    {
        [typeof(MessagePosted)] = ("message-posted.v1", StoredJsonContext.Default.MessagePosted),
        [typeof(MessageEdited)] = ("message-edited.v1", StoredJsonContext.Default.MessageEdited),
        [typeof(MessageDeleted)] = ("message-deleted.v1", StoredJsonContext.Default.MessageDeleted),
        [typeof(ReactionAdded)] = ("reaction-added.v1", StoredJsonContext.Default.ReactionAdded),
        [typeof(ReactionRemoved)] = ("reaction-removed.v1", StoredJsonContext.Default.ReactionRemoved),
        [typeof(RoomCreated)] = ("room-created.v1", StoredJsonContext.Default.RoomCreated),
        [typeof(MemberInvited)] = ("member-invited.v1", StoredJsonContext.Default.MemberInvited),
        [typeof(MemberRemoved)] = ("member-removed.v1", StoredJsonContext.Default.MemberRemoved),
        [typeof(RoleChanged)] = ("role-changed.v1", StoredJsonContext.Default.RoleChanged),
        [typeof(MemberKicked)] = ("member-kicked.v1", StoredJsonContext.Default.MemberKicked),
        [typeof(MemberBanned)] = ("member-banned.v1", StoredJsonContext.Default.MemberBanned),
        [typeof(MemberUnbanned)] = ("member-unbanned.v1", StoredJsonContext.Default.MemberUnbanned),
        [typeof(MemberMuted)] = ("member-muted.v1", StoredJsonContext.Default.MemberMuted),
        [typeof(MemberUnmuted)] = ("member-unmuted.v1", StoredJsonContext.Default.MemberUnmuted),
        [typeof(SlowModeSet)] = ("slow-mode-set.v1", StoredJsonContext.Default.SlowModeSet),
        [typeof(ReadMarkerMoved)] = ("read-marker-moved.v1", StoredJsonContext.Default.ReadMarkerMoved),
        [typeof(ReceivedMarkerMoved)] = ("received-marker-moved.v1", StoredJsonContext.Default.ReceivedMarkerMoved),
        [typeof(RoomSnapshot)] = ("room-snapshot.v2", StoredJsonContext.Default.RoomSnapshot),
        [typeof(ReadMarkersSnapshot)] = ("read-markers-snapshot.v1", StoredJsonContext.Default.ReadMarkersSnapshot),
        [typeof(AccountRegistered)] = ("account-registered.v1", StoredJsonContext.Default.AccountRegistered),
        [typeof(SessionRevoked)] = ("session-revoked.v1", StoredJsonContext.Default.SessionRevoked),
        [typeof(AllSessionsRevoked)] = ("all-sessions-revoked.v1", StoredJsonContext.Default.AllSessionsRevoked),
        [typeof(AccountSuspended)] = ("account-suspended.v1", StoredJsonContext.Default.AccountSuspended),
        [typeof(SuspensionLifted)] = ("suspension-lifted.v1", StoredJsonContext.Default.SuspensionLifted),
        [typeof(UserBlocked)] = ("user-blocked.v1", StoredJsonContext.Default.UserBlocked),
        [typeof(UserUnblocked)] = ("user-unblocked.v1", StoredJsonContext.Default.UserUnblocked),
        [typeof(ProfileChanged)] = ("profile-changed.v1", StoredJsonContext.Default.ProfileChanged),
        [typeof(RoomListed)] = ("room-listed.v1", StoredJsonContext.Default.RoomListed),
        [typeof(RoomUnlisted)] = ("room-unlisted.v1", StoredJsonContext.Default.RoomUnlisted),
    };

    // Version 1 room snapshots also carried the recent messages and sent ids; a room now reads those back from the
    // journal, so only the numbering of an old snapshot is taken (JSON ignores the fields it does not know).
    private static readonly Dictionary<string, JsonTypeInfo> ByManifest =
        ByType.Values.ToDictionary(entry => entry.Manifest, entry => entry.Info)
            .Append(KeyValuePair.Create("room-snapshot.v1", (JsonTypeInfo)StoredJsonContext.Default.RoomSnapshot))
            .ToDictionary();

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => Entry(o).Manifest;

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, Entry(obj).Info);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!ByManifest.TryGetValue(manifest, out var info))
            throw new SerializationException($"unknown manifest '{manifest}'");
        return JsonSerializer.Deserialize(bytes, info) ?? throw new SerializationException($"empty record for '{manifest}'");
    }

    private static (string Manifest, JsonTypeInfo Info) Entry(object o) =>
        ByType.TryGetValue(o.GetType(), out var entry)
            ? entry
            : throw new ArgumentException($"{o.GetType()} is not a stored record of ActorChat", nameof(o));
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MessagePosted))]
[JsonSerializable(typeof(MessageEdited))]
[JsonSerializable(typeof(MessageDeleted))]
[JsonSerializable(typeof(ReactionAdded))]
[JsonSerializable(typeof(ReactionRemoved))]
[JsonSerializable(typeof(RoomCreated))]
[JsonSerializable(typeof(MemberInvited))]
[JsonSerializable(typeof(MemberRemoved))]
[JsonSerializable(typeof(RoleChanged))]
[JsonSerializable(typeof(MemberKicked))]
[JsonSerializable(typeof(MemberBanned))]
[JsonSerializable(typeof(MemberUnbanned))]
[JsonSerializable(typeof(MemberMuted))]
[JsonSerializable(typeof(MemberUnmuted))]
[JsonSerializable(typeof(SlowModeSet))]
[JsonSerializable(typeof(ReadMarkerMoved))]
[JsonSerializable(typeof(ReceivedMarkerMoved))]
[JsonSerializable(typeof(RoomSnapshot))]
[JsonSerializable(typeof(ReadMarkersSnapshot))]
[JsonSerializable(typeof(AccountRegistered))]
[JsonSerializable(typeof(SessionRevoked))]
[JsonSerializable(typeof(AllSessionsRevoked))]
[JsonSerializable(typeof(AccountSuspended))]
[JsonSerializable(typeof(SuspensionLifted))]
[JsonSerializable(typeof(UserBlocked))]
[JsonSerializable(typeof(UserUnblocked))]
[JsonSerializable(typeof(ProfileChanged))]
[JsonSerializable(typeof(RoomListed))]
[JsonSerializable(typeof(Protocol.MessageAttachment))]
[JsonSerializable(typeof(RoomUnlisted))]
internal sealed partial class StoredJsonContext : JsonSerializerContext;
