using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorChat.Connections;

/// <summary>
/// The mailbox of a connection's actor: what an idle connection holds is a few dozen bytes instead of the default
/// mailbox's concurrent queue, which sets aside a segment of 32 slots (about 1.3 KB) for every actor from its first
/// message on, whether it ever queues more than one. A server holds one connection actor per open socket, most of
/// them idle, so that segment was an eighth of what ActorChat adds to each connection (bench/RESULTS.md).
/// </summary>
/// <remarks>
/// Its queue takes a lock for each message in and out: a connection's actor hears from its socket, its rooms' delivery
/// hubs and its account, each far below the rate at which an uncontended lock costs anything that shows.
/// </remarks>
public sealed class CompactMailbox(Settings settings, Config config)
    : MailboxType(settings, config), IProducesMessageQueue<CompactEnvelopes>
{
    /// <summary>The HOCON path of this mailbox, for <see cref="Props.WithMailbox"/>.</summary>
    public const string Path = "actorchat.compact-mailbox";

    /// <summary>The HOCON that names this mailbox's type at <see cref="Path"/>.</summary>
    public static readonly string Hocon = $"{Path}.mailbox-type = \"{typeof(CompactMailbox).FullName}, {typeof(CompactMailbox).Assembly.GetName().Name}\"";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CompactEnvelopes();
}

/// <summary>An unbounded queue of envelopes in a ring that is allocated at the first message and given back when a burst has drained.</summary>
public sealed class CompactEnvelopes : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private const int FirstCapacity = 4;

    // After a burst the ring is kept only while it is small: a large one goes back to the heap once it is empty.
    private const int KeptCapacity = 32;

    private readonly Lock _lock = new();
    private Envelope[]? _ring;
    private int _head;
    private int _count;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_lock)
        {
            if (_ring is null)
                _ring = new Envelope[FirstCapacity];
            else if (_count == _ring.Length)
                Grow();
            _ring[(_head + _count) % _ring.Length] = envelope;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            envelope = default;
            return false;
        }
        lock (_lock)
        {
            if (_count == 0)
            {
                envelope = default;
                return false;
            }
            var ring = _ring!;
            envelope = ring[_head];
            ring[_head] = default;
            _head = (_head + 1) % ring.Length;
            Volatile.Write(ref _count, _count - 1);
            if (_count == 0)
            {
                _head = 0;
                if (ring.Length > KeptCapacity)
                    _ring = null;
            }
            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
            deadletters.Enqueue(owner, envelope);
    }

    private void Grow()
    {
        var ring = _ring!;
        var larger = new Envelope[ring.Length * 2];
        for (var i = 0; i < _count; i++)
            larger[i] = ring[(_head + i) % ring.Length];
        _ring = larger;
        _head = 0;
    }
}
