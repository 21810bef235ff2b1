using System.Text.Json;
using ActorChat.Rooms;
using Xunit;

namespace ActorChat.Actors.Tests.Rooms;

public class RecentMessagesSpecs
{
    private static MessageState Message(long seq) =>
        new("lobby", new MessagePosted(seq, $"id-{seq}", "alice", $"m{seq}", DateTimeOffset.UnixEpoch), rev: seq);

    private static string[] Held(RecentMessages recent, long from, long to) =>
        recent.Frames(from, to).Select(frame => JsonDocument.Parse(frame).RootElement.GetProperty("text").GetString()!).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(101)]
    [InlineData(250)]
    public void The_newest_messages_up_to_the_capacity_are_held_in_seq_order_however_many_came(int added)
    {
        var recent = new RecentMessages(capacity: 100);
        for (var seq = 1; seq <= added; seq++)
            recent.Add(Message(seq));

        var first = Math.Max(1, added - 99);
        Assert.Equal(first, recent.FirstSeq);
        Assert.Equal(Enumerable.Range(first, added - first + 1).Select(seq => $"m{seq}"), Held(recent, 1, added));
        Assert.Equal(added > 1 ? [$"m{added - 1}", $"m{added}"] : ["m1"], Held(recent, added - 1, added));
        Assert.True(recent.Covers(first));
        if (first > 1)
            Assert.False(recent.Covers(first - 1));
    }

    [Fact]
    public void A_room_that_starts_past_seq_one_holds_from_its_first_message()
    {
        var recent = new RecentMessages(capacity: 10);
        for (var seq = 500; seq < 520; seq++)
            recent.Add(Message(seq));

        Assert.Equal(510, recent.FirstSeq);
        Assert.Equal(Enumerable.Range(510, 10).Select(seq => $"m{seq}"), Held(recent, 0, 1000));
    }
}
