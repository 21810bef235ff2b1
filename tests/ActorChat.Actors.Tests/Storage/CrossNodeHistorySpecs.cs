using ActorChat.Connections;
using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Tests.Storage;

/// <summary>
/// A long room on one node and a member on another, over real remoting with its default frame limit: replays and
/// history pages far larger than one remote frame arrive whole.
/// </summary>
public sealed class CrossNodeHistorySpecs : SqliteChatSpec
{
    private const int Messages = 2000;
    private static readonly TimeSpan LongDeadline = TimeSpan.FromSeconds(60);
    private static readonly string Kilobyte = new('k', 1000);

    private readonly OtherNode _other;
    private readonly ActorSystem _otherNode;

    public CrossNodeHistorySpecs()
        : base(new Database(OtherNode.Config))
    {
        _other = new OtherNode(Sys);
        _otherNode = _other.System;
    }

    protected override void AfterAll()
    {
        _other.Dispose();
        base.AfterAll();
    }

    [Fact]
    public async Task A_member_on_another_node_gets_a_replay_and_every_history_page_of_two_thousand_one_kilobyte_messages()
    {
        var room = StartRoom("saga", new RoomSettings());
        var (writer, _) = Join(room, "saga", "writer");
        for (var i = 1; i <= Messages; i++)
            room.Tell(new Post("saga", "writer", $"w{i}", $"{i}:{Kilobyte}"), writer.Ref);
        for (var i = 1; i <= Messages; i++)
            writer.ExpectMsg<Acked>(LongDeadline);

        var reader = CreateTestProbe(_otherNode);
        var remoteRoom = await _other.ResolveAsync(room, ColdStartDeadline);
        remoteRoom.Tell(new Join("saga", "reader", 0, HubFor("saga", _otherNode)), reader.Ref);

        // The replay is cut at ReplayMaxBytes (1 MiB), far past the 128,000-byte remote frame limit.
        var joined = Json(reader.ExpectMsg<JoinedRoom>(LongDeadline).Frame);
        Assert.True(joined.GetProperty("truncated").GetBoolean());
        var seen = Seqs(joined.GetProperty("messages")).ToList();
        Assert.True(seen.Count > 900, $"only {seen.Count} messages replayed");
        Assert.Equal(Enumerable.Range(Messages - seen.Count + 1, seen.Count).Select(i => (long)i), seen);

        // Pages of 200 messages (about 220 KB each) back to the first, the older ones read from the journal.
        var before = seen[0];
        while (true)
        {
            remoteRoom.Tell(new GetHistory("saga", before, 200), reader.Ref);
            var page = NextFrame(reader, LongDeadline);
            Assert.Equal("history", page.GetProperty("type").GetString());
            var seqs = Seqs(page.GetProperty("messages")).ToList();
            Assert.Equal(Enumerable.Range((int)before - seqs.Count, seqs.Count).Select(i => (long)i), seqs);
            Assert.All(page.GetProperty("messages").EnumerateArray(), m => Assert.EndsWith(Kilobyte, m.GetProperty("text").GetString(), StringComparison.Ordinal));
            seen.InsertRange(0, seqs);
            before = seqs[0];
            if (!page.GetProperty("more").GetBoolean())
                break;
        }
        Assert.Equal(Enumerable.Range(1, Messages).Select(i => (long)i), seen);
    }
}
