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
    public async Task Sending_frees_room_in_the_queue()
    {
        var outbox = new Outbox(maxFrames: 1, maxBytes: 100);
        Assert.True(outbox.TryEnqueue(new byte[10]));

        Assert.NotNull(await outbox.NextAsync(CancellationToken.None));

        Assert.True(outbox.TryEnqueue(new byte[10]));
    }
}
