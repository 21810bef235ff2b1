using System.Text.Json;
using ActorChat.Rooms;
using Akka.TestKit;

namespace ActorChat.Tests.Rooms;

/// <summary>Received receipts: what a sender hears of the others' devices getting their messages, and who else hears nothing of it.</summary>
public sealed class ReceiptSpecs : ChatSpec
{
    private static JsonElement NextOfType(TestProbe connection, string type)
    {
        while (true)
        {
            var frame = NextFrame(connection);
            if (frame.GetProperty("type").GetString() == type)
                return frame;
        }
    }

    private static void Post(Akka.Actor.IActorRef room, string roomName, TestProbe sender, string user, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            room.Tell(new Post(roomName, user, $"{user}-{i}", $"message {i}"), sender.Ref);
            NextOfType(sender, "ack");
        }
    }

    [Fact]
    public void A_sender_hears_in_one_frame_how_many_others_received_their_messages_and_the_receivers_hear_nothing()
    {
        var room = StartRoom("porch");
        var (alice, _) = Join(room, "porch", "alice");
        var (bob, _) = Join(room, "porch", "bob");
        var (carol, _) = Join(room, "porch", "carol");
        Post(room, "porch", alice, "alice", 3);
        bob.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => m);
        carol.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => m);
        alice.ReceiveWhile(TimeSpan.FromMilliseconds(100), m => m);

        room.Tell(new MarkReceived("porch", "bob", 3), bob.Ref);
        room.Tell(new MarkReceived("porch", "carol", 3), carol.Ref);
        room.Tell(new MarkReceived("porch", "carol", 2), carol.Ref);

        var receipt = ExpectFrame(alice, "received");
        Assert.Equal((3L, 2), (receipt.GetProperty("seq").GetInt64(), receipt.GetProperty("count").GetInt32()));
        Assert.Equal(["bob", "carol"], receipt.GetProperty("users").EnumerateArray().Select(u => u.GetString()).Order());
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(1500));
        bob.ExpectNoMsg(TimeSpan.Zero);
        carol.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public void A_marker_that_moves_again_within_the_interval_reaches_the_sender_at_its_newest()
    {
        var room = StartRoom("porch");
        var (alice, _) = Join(room, "porch", "alice");
        var (bob, _) = Join(room, "porch", "bob");
        Post(room, "porch", alice, "alice", 3);
        bob.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => m);
        alice.ReceiveWhile(TimeSpan.FromMilliseconds(100), m => m);

        // A burst: each message reported as it arrives, all within one interval.
        for (var seq = 1; seq <= 3; seq++)
            room.Tell(new MarkReceived("porch", "bob", seq), bob.Ref);

        var receipt = ExpectFrame(alice, "received");
        Assert.Equal((3L, 1), (receipt.GetProperty("seq").GetInt64(), receipt.GetProperty("count").GetInt32()));
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public void In_a_room_of_hundreds_a_sender_gets_one_frame_with_a_count_and_a_few_names()
    {
        var room = StartRoom("stadium");
        var (alice, _) = Join(room, "stadium", "alice");
        var fans = Enumerable.Range(1, 300).Select(i => Join(room, "stadium", $"fan{i}").Connection).ToList();
        alice.ReceiveWhile(TimeSpan.FromMilliseconds(500), m => m);
        Post(room, "stadium", alice, "alice", 1);

        for (var i = 0; i < fans.Count; i++)
            room.Tell(new MarkReceived("stadium", $"fan{i + 1}", 1), fans[i].Ref);

        var receipt = NextOfType(alice, "received");
        // The interval may split the crowd over two frames; the last says all of them.
        var total = receipt.GetProperty("count").GetInt32();
        if (total < 300)
            total = NextOfType(alice, "received").GetProperty("count").GetInt32();
        Assert.Equal(300, total);
        Assert.Equal(3, receipt.GetProperty("users").GetArrayLength());
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public void A_sender_back_after_the_room_restarted_hears_how_far_the_others_got()
    {
        var room = StartRoom("attic");
        var (alice, _) = Join(room, "attic", "alice");
        var (bob, _) = Join(room, "attic", "bob");
        Post(room, "attic", alice, "alice", 2);
        room.Tell(new MarkReceived("attic", "bob", 2), bob.Ref);
        NextOfType(alice, "received");
        Watch(room);
        Sys.Stop(room);
        ExpectTerminated(room);

        var again = StartRoom("attic");
        var (back, _) = Join(again, "attic", "alice");

        var receipt = ExpectFrame(back, "received");
        Assert.Equal((2L, 1), (receipt.GetProperty("seq").GetInt64(), receipt.GetProperty("count").GetInt32()));
    }
}
