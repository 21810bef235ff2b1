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
        new ReadMarkerMoved("bob", 9),
        new AccountRegistered("Alice", "pbkdf2-sha512$1$a$b", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)),
        new ReadMarkersSnapshot(new Dictionary<string, long> { ["alice"] = 4 }),
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
    public void A_room_snapshot_round_trips_with_its_messages_and_sent_ids()
    {
        var snapshot = new RoomSnapshot(2,
            [new MessagePosted(2, "x", "bob", "hi", DateTimeOffset.UnixEpoch)],
            [new RoomSnapshot.SentId("bob", "x", 2, DateTimeOffset.UnixEpoch)]);
        var serializer = Sys.Serialization.FindSerializerFor(snapshot);

        var back = (RoomSnapshot)Sys.Serialization.Deserialize(serializer.ToBinary(snapshot), serializer.Identifier, "room-snapshot.v1");

        Assert.Equal(2, back.Seq);
        Assert.Equal(snapshot.Recent.Single(), back.Recent.Single());
        Assert.Equal(snapshot.SentIds.Single(), back.SentIds.Single());
    }
}
