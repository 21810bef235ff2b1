using ActorChat.Connections;
using Akka.Actor;
using Akka.Dispatch.MessageQueues;

namespace ActorChat.Tests.Connections;

/// <summary>The connection actor's mailbox: first in, first out through every growth, nothing held once drained.</summary>
public sealed class CompactMailboxSpecs : ConnectionSpec
{
    [Fact]
    public void A_connection_actor_queues_its_messages_in_the_compact_mailbox()
    {
        var (connection, _, _) = Connect();

        // Created asynchronously: the cell is in place once the actor has started.
        AwaitAssert(() => Assert.IsType<CompactEnvelopes>(Assert.IsType<ActorCell>(((ActorRefWithCell)connection).Underlying).Mailbox!.MessageQueue),
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Messages_leave_in_the_order_they_came_across_growth_and_wrap_around()
    {
        var queue = new CompactEnvelopes();
        var next = 0;
        var taken = new List<int>();
        // Bursts of every size around the ring's growth points, each partly drained before the next.
        foreach (var burst in new[] { 1, 3, 4, 5, 9, 2, 31, 33, 64, 7, 100 })
        {
            for (var i = 0; i < burst; i++)
                queue.Enqueue(TestActor, new Envelope(next++, TestActor));
            for (var i = 0; i < burst / 2 + 1 && queue.TryDequeue(out var envelope); i++)
                taken.Add((int)envelope.Message);
        }
        while (queue.TryDequeue(out var envelope))
            taken.Add((int)envelope.Message);

        Assert.Equal(Enumerable.Range(0, next), taken);
        Assert.False(queue.HasMessages);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Messages_left_when_the_actor_stops_go_to_the_dead_letters_in_order()
    {
        var queue = new CompactEnvelopes();
        for (var i = 0; i < 10; i++)
            queue.Enqueue(TestActor, new Envelope(i, TestActor));
        var deadLetters = new UnboundedMessageQueue();

        queue.CleanUp(TestActor, deadLetters);

        var received = new List<int>();
        while (deadLetters.TryDequeue(out var envelope))
            received.Add((int)envelope.Message);
        Assert.Equal(Enumerable.Range(0, 10), received);
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public async Task Messages_from_many_senders_at_once_all_arrive_each_sender_in_its_own_order()
    {
        var queue = new CompactEnvelopes();
        const int senders = 4, each = 20_000;
        var last = new int[senders];
        Array.Fill(last, -1);
        var received = 0;
        var writers = Enumerable.Range(0, senders).Select(sender => Task.Run(() =>
        {
            for (var i = 0; i < each; i++)
                queue.Enqueue(TestActor, new Envelope((sender, i), TestActor));
        })).ToArray();
        var reader = Task.Run(() =>
        {
            while (received < senders * each)
            {
                if (!queue.TryDequeue(out var envelope))
                    continue;
                var (sender, i) = ((int, int))envelope.Message;
                Assert.Equal(last[sender] + 1, i);
                last[sender] = i;
                received++;
            }
        });

        await Task.WhenAll([.. writers, reader]).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(last, count => Assert.Equal(each - 1, count));
    }
}
