using ActorChat.Protocol;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace ActorChat.Connections;

/// <summary>
/// The bounded queue between a connection's actor and its socket's single send loop. A full queue is never
/// waited on: the producer learns at once that the client cannot keep up. Entries are single frames or batches:
/// a batch is what the server owes one request of the client (the read markers that follow a <c>joined</c>),
/// counted as one entry against the frame bound and with all its bytes against the byte bound.
/// </summary>
public sealed class Outbox
{
    // Bounded by the frame count this outbox enforces itself (counted before an entry is written and after it is
    // read, so the channel never holds more): a bounded channel's queue starts empty and grows with use, where an
    // unbounded one sets aside a 32-slot segment for every socket, idle or not.
    private readonly Channel<object> _entries;
    private readonly int _maxFrames;
    private readonly long _maxBytes;
    private int _queuedFrames;
    private long _queuedBytes;
    private readonly TaskCompletionSource _closeRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CloseReason? _close;

    // The send loop's place in the batch it is sending.
    private IReadOnlyList<byte[]>? _batch;
    private int _inBatch;

    public Outbox(int maxFrames, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _maxFrames = maxFrames;
        _maxBytes = maxBytes;
        _entries = Channel.CreateBounded<object>(new BoundedChannelOptions(maxFrames) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Why and how the socket should close, once the connection asked for it.</summary>
    public CloseReason? Close => Volatile.Read(ref _close);

    /// <summary>Completes when a close is requested, so the socket's owner can stop a send stuck on a silent client.</summary>
    public Task CloseRequested => _closeRequested.Task;

    /// <summary>
    /// Queues a frame; false when that would pass the frame or byte bound, or the queue is closed.
    /// A frame alone in the queue always fits, so one large replay cannot close a client that keeps up.
    /// </summary>
    public bool TryEnqueue(byte[] frame) => TryEnqueue(frame, frame.Length);

    /// <summary>Queues a batch of frames as one entry, all or none; false as for a single frame.</summary>
    public bool TryEnqueue(IReadOnlyList<byte[]> frames)
    {
        long length = 0;
        for (var i = 0; i < frames.Count; i++)
            length += frames[i].Length;
        return frames.Count == 0 || TryEnqueue(frames, length);
    }

    private bool TryEnqueue(object entry, long length)
    {
        if (Close is not null)
            return false;
        var entries = Interlocked.Increment(ref _queuedFrames);
        var bytes = Interlocked.Add(ref _queuedBytes, length);
        if (entries > _maxFrames || (entries > 1 && bytes > _maxBytes))
        {
            Interlocked.Decrement(ref _queuedFrames);
            Interlocked.Add(ref _queuedBytes, -length);
            return false;
        }
        return _entries.Writer.TryWrite(entry);
    }

    /// <summary>Asks the send loop to close the socket for this reason (the first one asked wins); frames still queued are dropped.</summary>
    public void RequestClose(CloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _close, reason, null) is null)
        {
            _entries.Writer.TryComplete();
            _closeRequested.TrySetResult();
        }
    }

    /// <summary>Ends the queue when the socket is gone, so the send loop stops.</summary>
    public void Complete() => _entries.Writer.TryComplete();

    /// <summary>The send loop's side: the next frame, or null when the queue ended or a close was requested.</summary>
    public async ValueTask<byte[]?> NextAsync(CancellationToken cancellationToken)
    {
        if (_batch is not null && Close is null)
            return NextOfBatch();
        while (Close is null && await _entries.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Close is null && _entries.Reader.TryRead(out var entry))
            {
                Interlocked.Decrement(ref _queuedFrames);
                if (entry is byte[] frame)
                {
                    Interlocked.Add(ref _queuedBytes, -frame.Length);
                    return frame;
                }
                (_batch, _inBatch) = ((IReadOnlyList<byte[]>)entry, 0);
                return NextOfBatch();
            }
        }
        return null;
    }

    private byte[] NextOfBatch()
    {
        var frame = _batch![_inBatch++];
        if (_inBatch == _batch.Count)
            _batch = null;
        Interlocked.Add(ref _queuedBytes, -frame.Length);
        return frame;
    }

}
