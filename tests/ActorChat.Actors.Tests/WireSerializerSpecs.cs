using System.Runtime.Serialization;
using System.Text;
using ActorChat.Accounts;
using ActorChat.Connections;
using ActorChat.Delivery;
using ActorChat.Protocol;
using ActorChat.Rooms;
using ActorChat.Serialization;
using W = ActorChat.Serialization.Contracts;
using Akka.Actor;
using Google.Protobuf;

namespace ActorChat.Tests;

public sealed class WireSerializerSpecs() : ChatSpec(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")) + "\nakka.actor.provider = local\n")
{
    private static readonly byte[] Frame = Encoding.UTF8.GetBytes("""{"type":"message","text":"héllo"}""");

    public static TheoryData<object> WireMessages() =>
    [
        new NotMember("lobby", "c-9"),
        new Leave("lobby", "alice"),
        new Post("lobby", "alice", "c-1", "hi 👋"),
        new Post("lobby", "alice", "c-1", "yes!", ReplyTo: 7),
        new ChangeMessage("lobby", "alice", "c-2", 41, ChangeKind.Edit, "hello 👋"),
        new ChangeMessage("lobby", "bob", "c-3", 41, ChangeKind.Unreact, "👍"),
        new Typing("lobby", "alice"),
        new MarkRead("lobby", "bob", 7),
        new MarkReceived("lobby", "bob", 8),
        new GetHistory("lobby", null, 50),
        new GetHistory("lobby", 99, 10),
        new WhereAreYou("lobby"),
        new MayRead("club", "bob"),
        new ReadAccess("club", false),
        new RoomLocation("lobby", "akka.tcp://actorchat@127.0.0.1:2551"),
        new Register("Alice", "pbkdf2-sha512$1$a$b"),
        new GetCredentials("alice"),
        new Registered("Alice"),
        new UsernameTaken(),
        new AccountCredentials("Alice", "hash", 3),
        new AccountCredentials(null, null, 0),
        new GetSecurity("Alice"),
        new RevokeSession("Alice", "3f2a", DateTimeOffset.FromUnixTimeMilliseconds(1_702_592_000_123)),
        new RevokeAllSessions("Alice"),
        new ConnectionRefused("alice", ConnectionRefused.TooManyConnections),
        new SessionEnded("alice"),
        new ListRoom("alice", "dm:alice:bob", RoomKind.Direct),
        new ListRoom("bob", "club", RoomKind.Private, InvitedBy: "alice"),
        new SpendInvitation("Alice"),
        new CheckInvitation("bob", "alice", "club"),
        InvitationAnswer.Allowed,
        new InvitationAnswer("limit_reached", "'bob' has 50 invitations not taken up yet"),
        new UnlistRoom("alice", "garden", RoomListChange.Removed),
        new GetRooms("Alice"),
        new RoomListChange("secret", RoomKind.Private, RoomListChange.Added),
        new RoomListChange("garden", RoomKind.Public, RoomListChange.Forgotten, Answer: true),
        new RoomListChange("club", RoomKind.Private, RoomListChange.Added, InvitedBy: "bob"),
    ];

    /// <summary>Messages and fields newer than the binary encoding: only nodes that speak the contracts send them.</summary>
    public static TheoryData<object> ContractOnlyMessages() =>
    [
        new AccountCredentials("Alice", "hash", 4, new AccountSuspension("Alice", true, "spam", DateTimeOffset.FromUnixTimeMilliseconds(1_702_592_000_000))),
        new SuspendAccount("Alice", "root", "spam", DateTimeOffset.FromUnixTimeMilliseconds(1_702_592_000_000)),
        new SuspendAccount("Alice", "root", "", null),
        new LiftSuspension("Alice", "root"),
        new AccountSuspension(null, false),
        new AccountSuspension("Alice", true, "", null),
        new SessionEnded("alice", ConnectionRefused.Suspended),
        new ReportMessage("lobby", "rita", "rep-1", 41, "spam 🥫"),
        new GetReports("lobby", "mo", DateTimeOffset.FromUnixTimeMilliseconds(1_702_592_000_123), 50, Admin: true),
        new GetReports("lobby", "mo", null, 10),
        new GetReports("lobby", "mo", null, 10, Admin: false, Open: true),
        new ResolveReports("lobby", "mo", "res-1", 41),
        new ResolveReports("lobby", "root", "res-2", 7, Admin: true),
        new ChangeBlock("Alice", "Mallory", Block: true),
        new GetBlocks("Alice"),
        new CheckContact("alice", "mallory"),
        new ContactAnswer("Alice", Blocked: true),
        new ContactAnswer(null, false),
        new BlockList(["Mallory", "Trent"]),
        new BlockList([], "at most 1000 users may be blocked"),
        new RoomNotifyChange("garden", RoomNotify.Mentions, Answer: true),
        new RoomNotifyChange("dm:alice:bob", RoomNotify.Muted),
        new RoomNotifyChange("garden", RoomNotify.All),
        new UserProfile("Alice", "Alice Liddell 🐇", "away", new string('a', 32), 3),
        new UserProfile("Bob", null, null, null, 0),
        new SetProfile("Alice", new ProfileEdit(SetName: true, "Alice", SetStatus: true, null, SetAvatar: false, null)),
        new SetProfile("Alice", new ProfileEdit(false, null, false, null, SetAvatar: true, new string('b', 32))),
        new ProfileRefused("not_found", "no user 'ghost'"),
        new ShareProfile("garden", new UserProfile("Alice", "Alice", "here", null, 1)),
    ];

    [Theory]
    [MemberData(nameof(ContractOnlyMessages))]
    public void Messages_newer_than_the_binary_encoding_survive_a_round_trip_of_the_contracts(object message) =>
        Assert.Equal(message, RoundTrip(message));

    [Fact]
    public void A_room_list_and_the_connection_to_answer_a_forget_cross_nodes_whole()
    {
        var connection = CreateTestProbe().Ref;

        ListedRoom[] rooms = [new("garden", RoomKind.Public), new("club", RoomKind.Private, InvitedBy: "bob"), new("dm:alice:bob", RoomKind.Direct)];
        var list = (RoomList)RoundTrip(new RoomList(rooms));
        Assert.Equal(rooms, list.Rooms);
        var forget = new UnlistRoom("alice", "garden", RoomListChange.Forgotten, connection);
        Assert.Equal(forget, RoundTrip(forget));
        var notify = new SetRoomNotify("alice", "garden", RoomNotify.Muted, connection);
        Assert.Equal(notify, RoundTrip(notify));
        Assert.True(((JoinedRoom)RoundTrip(new JoinedRoom("club", 3, Frame, Private: true))).Private);
    }

    [Fact]
    public void A_listing_from_a_node_of_the_version_before_invitations_were_tracked_reads_as_the_users_own()
    {
        // What that version wrote: the user, the room and the kind, with no inviter after them.
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer))
        {
            w.Write("bob");
            w.Write("club");
            w.Write((byte)RoomKind.Private);
        }
        var read = Sys.Serialization.Deserialize(buffer.ToArray(), BinaryWireSerializer.SerializerId, "list-room");

        Assert.Equal(new ListRoom("bob", "club", RoomKind.Private), read);
    }

    [Fact]
    public void A_room_list_from_a_node_of_the_version_before_invitations_were_tracked_reads_as_the_users_own_rooms()
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer))
        {
            w.Write7BitEncodedInt(1);
            w.Write("club");
            w.Write((byte)RoomKind.Private);
        }
        var read = (RoomList)Sys.Serialization.Deserialize(buffer.ToArray(), BinaryWireSerializer.SerializerId, "room-list");

        Assert.Equal([new ListedRoom("club", RoomKind.Private)], read.Rooms);
    }

    private object RoundTrip(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<ProtobufWireSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        return Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
    }

    // What a node writes while ActorChat:Cluster:WireFormat is Binary, read as any node reads it: by the serializer id.
    private object RoundTripBinary(object message)
    {
        var binary = new BinaryWireSerializer((ExtendedActorSystem)Sys);
        return Sys.Serialization.Deserialize(binary.ToBinary(message), BinaryWireSerializer.SerializerId, binary.Manifest(message));
    }

    [Theory]
    [MemberData(nameof(WireMessages))]
    public void Messages_that_cross_nodes_use_the_protobuf_contracts_and_survive_a_round_trip(object message) =>
        Assert.Equal(message, RoundTrip(message));

    [Theory]
    [MemberData(nameof(WireMessages))]
    public void Messages_in_the_binary_encoding_of_earlier_versions_are_still_read_and_written_alike(object message) =>
        Assert.Equal(message, RoundTripBinary(message));

    [Fact]
    public void Every_message_that_may_cross_nodes_has_a_contract_and_keeps_its_manifest_in_both_encodings()
    {
        var protobuf = new ProtobufWireSerializer((ExtendedActorSystem)Sys);
        var wireTypes = typeof(IWireMessage).Assembly.GetTypes()
            .Where(type => typeof(IWireMessage).IsAssignableFrom(type) && type is { IsInterface: false, IsAbstract: false })
            .ToHashSet();

        Assert.Equal(wireTypes.OrderBy(type => type.Name), protobuf.Types.OrderBy(type => type.Name));
        var binary = new BinaryWireSerializer((ExtendedActorSystem)Sys);
        foreach (object message in WireMessages())
            Assert.Equal(binary.Manifest(message), protobuf.Manifest(message));
    }

    [Fact]
    public void A_field_added_by_a_later_version_is_skipped_and_one_it_leaves_out_reads_as_absent()
    {
        // A join as a later version might send it: today's fields, then field 15 (a varint) that this version lacks.
        var later = new W.Join { Room = "lobby", User = "alice", Hub = Akka.Serialization.Serialization.SerializedActorPath(HubFor("lobby")), Since = 4 };
        var bytes = later.ToByteArray().Concat(new byte[] { 15 << 3, 1 }).ToArray();

        var join = (Join)Sys.Serialization.Deserialize(bytes, ProtobufWireSerializer.SerializerId, "join");

        Assert.Equal(new Join("lobby", "alice", 4, HubFor("lobby")), join);
        Assert.Null(join.Rev); // not sent: absent, not zero
        Assert.Null(join.Create);
    }

    [Fact]
    public void A_large_hub_message_from_a_node_writing_the_earlier_encoding_is_put_together_in_that_encoding()
    {
        var connection = CreateTestProbe().Ref;
        var binary = new BinaryWireSerializer((ExtendedActorSystem)Sys);
        var fanout = new HubFanout([connection], new DeliverSequenced("lobby", 9, Frame));
        // The parts arrive through the binary reader, which names its own encoding in each part.
        var part = (HubPart)RoundTripBinary(new HubPart("hub-fanout", 0, 1, binary.ToBinary(fanout), BinaryWireSerializer.SerializerId));

        var whole = (HubFanout)DeliveryHubs.Get(Sys).Reassemble(part.Bytes, part);

        Assert.Equal([connection], whole.Except);
        Assert.Equal(Frame, ((DeliverSequenced)whole.Delivery).Frame);
    }

    [Fact]
    public void An_account_hears_which_connection_opens_and_every_node_hears_which_sessions_are_signed_out()
    {
        var connection = CreateTestProbe().Ref;

        Assert.Equal(new OpenConnection("Alice", "3f2a", 1, connection), RoundTrip(new OpenConnection("Alice", "3f2a", 1, connection)));
        var security = (AccountSecurity)RoundTrip(new AccountSecurity("alice", 2, ["3f2a", "9c1d"]));
        Assert.Equal(("alice", 2L), (security.Key, security.Generation));
        Assert.Equal(["3f2a", "9c1d"], security.Revoked);
        var opened = (ConnectionOpened)RoundTrip(new ConnectionOpened(new AccountSecurity("alice", 1, ["3f2a"])));
        Assert.Equal(("alice", 1L), (opened.Security.Key, opened.Security.Generation));
        Assert.Equal(["3f2a"], opened.Security.Revoked);
    }

    [Fact]
    public void A_join_names_the_hub_that_reaches_the_connection()
    {
        Assert.Equal(new Join("lobby", "alice", 42, HubFor("lobby")), RoundTrip(new Join("lobby", "alice", 42, HubFor("lobby"))));
        Assert.Equal(new Join("lobby", "alice", null, HubFor("lobby")), RoundTrip(new Join("lobby", "alice", null, HubFor("lobby"))));
    }

    [Fact]
    public void Hub_messages_carry_their_delivery_and_no_more_than_the_connections_they_name()
    {
        var connection = CreateTestProbe().Ref;

        var fanout = (HubFanout)RoundTrip(new HubFanout([connection], new DeliverSequenced("lobby", 9, Frame)));
        Assert.Equal([connection], fanout.Except);
        Assert.Equal(Frame, ((DeliverSequenced)fanout.Delivery).Frame);
        Assert.Empty(((HubFanout)RoundTrip(new HubFanout([], new Deliver(Frame)))).Except);
        var direct = (HubDirect)RoundTrip(new HubDirect(connection, new Acked("lobby", "c-1", 4, Frame)));
        Assert.Equal((connection, "c-1"), (direct.Connection, ((Acked)direct.Delivery).Id));
        var admit = (HubAdmit)RoundTrip(new HubAdmit(connection, new JoinedRoom("lobby", 3, Frame)));
        Assert.Equal((connection, 3L), (admit.Connection, ((JoinedRoom)admit.Delivery).Seq));
        Assert.Null(((HubDismiss)RoundTrip(new HubDismiss(connection, null))).Delivery);
        Assert.Equal(Frame, ((LeftRoom)((HubDismiss)RoundTrip(new HubDismiss(connection, new LeftRoom("lobby", Frame)))).Delivery!).Frame);
    }

    [Fact]
    public void A_rejoin_carries_its_unacknowledged_ids()
    {
        var back = (Join)RoundTrip(new Join("lobby", "alice", 7, HubFor("lobby"), ["a", "b"]));

        Assert.Equal(("lobby", "alice", (long?)7), (back.Room, back.User, back.Since));
        Assert.Equal(["a", "b"], back.Unacked!);
    }

    [Fact]
    public void A_resume_by_revision_carries_the_revision()
    {
        var back = (Join)RoundTrip(new Join("lobby", "alice", null, HubFor("lobby"), null, Rev: 12));

        Assert.Equal((long?)12, back.Rev);
    }

    [Fact]
    public void Frames_cross_as_the_same_bytes()
    {
        Assert.Equal(Frame, ((Deliver)RoundTrip(new Deliver(Frame))).Frame);
        var sequenced = (DeliverSequenced)RoundTrip(new DeliverSequenced("lobby", 9, Frame));
        Assert.Equal(("lobby", 9L), (sequenced.Room, sequenced.Seq));
        Assert.Equal(Frame, sequenced.Frame);
        var acked = (Acked)RoundTrip(new Acked("lobby", "c-1", 4, Frame));
        Assert.Equal(("lobby", "c-1", 4L), (acked.Room, acked.Id, acked.Seq));
        Assert.Equal(Frame, acked.Frame);
        var joined = (JoinedRoom)RoundTrip(new JoinedRoom("lobby", 3, Frame));
        Assert.Equal(("lobby", 3L), (joined.Room, joined.Seq));
        Assert.Equal(Frame, joined.Frame);
        Assert.Equal([Frame, Frame], ((DeliverBatch)RoundTrip(new DeliverBatch([Frame, Frame]))).Frames);
        var left = (LeftRoom)RoundTrip(new LeftRoom("lobby", Frame));
        Assert.Equal("lobby", left.Room);
        Assert.Equal(Frame, left.Frame);
    }

    private sealed record NotRegistered(string Value);

    [Fact]
    public void A_type_without_a_serializer_of_its_own_is_refused_rather_than_sent_as_json()
    {
        var serializer = Sys.Serialization.FindSerializerFor(new NotRegistered("x"));

        Assert.IsType<UnregisteredTypeSerializer>(serializer);
        var refused = Assert.Throws<SerializationException>(() => serializer.ToBinary(new NotRegistered("x")));
        Assert.Contains(nameof(NotRegistered), refused.Message, StringComparison.Ordinal);
    }
}

/// <summary>
/// A whole conversation with every message forced through its serializer, as if each hop crossed nodes.
/// Akka.Persistence's own local protocol has no serializer of its own, so here alone the JSON fallback stays on.
/// </summary>
public sealed class SerializedConversationSpecs() : ChatSpec(
    File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")) + """

    akka.actor.provider = local
    akka.actor.serialize-messages = on
    akka.actor.serialization-bindings { "System.Object" = json }
    """)
{
    [Fact]
    public void A_conversation_works_when_every_message_is_serialized()
    {
        var room = StartRoom("wire");
        var (alice, _) = Join(room, "wire", "alice");
        var (bob, _) = Join(room, "wire", "bob");
        ExpectFrame(alice, "presence");

        room.Tell(new Post("wire", "alice", "w1", "over the wire"), alice.Ref);
        Assert.Equal(1, ExpectFrame(alice, "ack").GetProperty("seq").GetInt64());
        Assert.Equal("over the wire", ExpectFrame(bob, "message").GetProperty("text").GetString());

        room.Tell(new MarkRead("wire", "bob", 1), bob.Ref);
        ExpectFrame(alice, "read");
        room.Tell(new Typing("wire", "bob"), bob.Ref);
        ExpectFrame(alice, "typing");
        room.Tell(new GetHistory("wire", null, 10), bob.Ref);
        Assert.Single(ExpectFrame(bob, "history").GetProperty("messages").EnumerateArray());
        room.Tell(new Leave("wire", "bob"), bob.Ref);
        ExpectFrame(bob, "left");
        Assert.Equal("leave", ExpectFrame(alice, "presence").GetProperty("event").GetString());
    }
}
