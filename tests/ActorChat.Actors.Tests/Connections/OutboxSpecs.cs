using ActorChat.Connections;

namespace ActorChat.Tests.Connections;

public sealed class OutboxSpecs
{
    [Fact]
    public void It_refuses_a_frame_past_its_frame_bound()
    {
        var outbox = new Outbox(maxFrames: 2, maxBytes: 1000);

        Assert.True(outbox.TryEnqueue(new byte[10]));
        Assert.True(outbox.TryEnqueue(new byte[10]));
        Assert.False(outbox.TryEnqueue(new byte[10]));
    }

    [Fact]
    public void It_refuses_a_frame_past_its_byte_bound_but_always_takes_one_frame_alone()
    {
        var outbox = new Outbox(maxFrames: 10, maxBytes: 100);

        Assert.True(outbox.TryEnqueue(new byte[500]));
        Assert.False(outbox.TryEnqueue(new byte[1]));
    }

    [Fact]
    public async Task A_batch_takes_one_place_in_the_queue_and_is_sent_frame_by_frame_in_order()
    {
        var outbox = new Outbox(maxFrames: 2, maxBytes: 1 << 20);
        var batch = Enumerable.Range(0, 5).Select(i => new[] { (byte)i }).ToList();

        Assert.True(outbox.TryEnqueue(new byte[] { 9 }));
        Assert.True(outbox.TryEnqueue(batch));
        Assert.False(outbox.TryEnqueue(new byte[] { 10 }));

        var sent = new List<byte>();
        for (var i = 0; i < 6; i++)
            sent.Add((await outbox.NextAsync(CancellationToken.None))![0]);
        Assert.Equal(new byte[] { 9, 0, 1, 2, 3, 4 }, sent);
        Assert.True(outbox.TryEnqueue(new byte[] { 10 }));
    }

    [Fact]
    public void A_batch_past_the_byte_bound_is_refused_whole_unless_the_queue_is_empty()
    {
        var outbox = new Outbox(maxFrames: 10, maxBytes: 100);
        Assert.True(outbox.TryEnqueue(new byte[10]));

        Assert.False(outbox.TryEnqueue([new byte[60], new byte[60]]));

        var empty = new Outbox(maxFrames: 10, maxBytes: 100);
        Assert.True(empty.TryEnqueue([new byte[60], new byte[60]]));
    }

    [Fact]
    public async Task Sending_frees_room_in_the_queue()
    {
        var outbox = new Outbox(maxFrames: 1, maxBytes: 100);
        Assert.True(outbox.TryEnqueue(new byte[10]));

        Assert.NotNull(await outbox.NextAsync(CancellationToken.None));

        Assert.True(outbox.TryEnqueue(new byte[10]));
    }
}
