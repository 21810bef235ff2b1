using ActorChat.Accounts;
using ActorChat.Rooms;
using ActorChat.Serialization;
using Akka.Actor;

namespace ActorChat.Tests;

public sealed class SerializerSpecs() : ChatSpec(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")) + "\nakka.actor.provider = local\n")
{
    public static TheoryData<object> StoredRecords() =>
    [
        new MessagePosted(3, "c-1", "alice", "héllo <b>", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123)),
        new MessagePosted(4, "c-2", "bob", "yes", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), ReplyTo: 3),
        new MessageEdited(3, "c-2", "alice", "hello", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_001_123)),
        new MessageDeleted(3, "c-3", "alice", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_002_123)),
        new ReactionAdded(3, "r-1", "bob", "👍🏽", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_003_123)),
        new ReactionRemoved(3, "r-2", "bob", "👍🏽", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_004_123)),
        new ReadMarkerMoved("bob", 9),
        new ReceivedMarkerMoved("bob", 10),
        new ReadMarkersSnapshot(new Dictionary<string, long> { ["alice"] = 4 }, new Dictionary<string, long> { ["bob"] = 6 }),
        new AccountRegistered("Alice", "pbkdf2-sha512$1$a$b", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)),
        new SessionRevoked("3f2a", DateTimeOffset.FromUnixTimeMilliseconds(1_702_592_000_000)),
        new AllSessionsRevoked(2),
        new AccountSuspended("root", "spam", DateTimeOffset.FromUnixTimeMilliseconds(1_702_592_000_000), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)),
        new AccountSuspended("root", "", null, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)),
        new SuspensionLifted("root", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)),
        new UserBlocked("Mallory", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)),
        new ProfileChanged("Alice Liddell", "down the rabbit hole", new string('a', 32), 2, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)),
        new ProfileChanged(null, null, null, 3, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)),
        new UserUnblocked("mallory", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)),
        new RoomListed("dm:alice:bob", RoomKind.Direct, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)),
        new RoomUnlisted("garden", RoomListChange.Forgotten, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)),
        new ReadMarkersSnapshot(new Dictionary<string, long> { ["alice"] = 4 }),
        new RoomSnapshot(1000),
    ];

    [Theory]
    [MemberData(nameof(StoredRecords))]
    public void Stored_records_use_our_serializer_and_survive_a_round_trip(object record)
    {
        var serialization = Sys.Serialization;
        var serializer = serialization.FindSerializerFor(record);
        Assert.IsType<ChatSerializer>(serializer);

        var bytes = serializer.ToBinary(record);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, record);
        var back = serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(record), System.Text.Json.JsonSerializer.Serialize(back));
    }

    [Fact]
    public void A_version_1_room_snapshot_with_messages_and_sent_ids_still_recovers_its_numbering()
    {
        var serializer = Sys.Serialization.FindSerializerFor(new RoomSnapshot(1));
        var stored = """
            {"seq":2,"recent":[{"seq":2,"id":"x","from":"bob","text":"hi","timestamp":"1970-01-01T00:00:00+00:00"}],
             "sentIds":[{"user":"bob","id":"x","seq":2,"timestamp":"1970-01-01T00:00:00+00:00"}]}
            """u8.ToArray();

        var back = (RoomSnapshot)Sys.Serialization.Deserialize(stored, serializer.Identifier, "room-snapshot.v1");

        Assert.Equal(new RoomSnapshot(2), back);
    }
}
