using System.Net.WebSockets;
using System.Threading.Channels;

namespace ActorChat.Connections;

/// <summary>
/// The bounded queue between a connection's actor and its socket's single send loop. A full queue is never
/// waited on: the producer learns at once that the client cannot keep up.
/// </summary>
public sealed class Outbox
{
    private readonly Channel<byte[]> _frames = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _maxFrames;
    private readonly long _maxBytes;
    private int _queuedFrames;
    private long _queuedBytes;
    private readonly TaskCompletionSource _closeRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CloseRequest? _close;

    public Outbox(int maxFrames, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _maxFrames = maxFrames;
        _maxBytes = maxBytes;
    }

    /// <summary>Why and how the socket should close, once the connection asked for it.</summary>
    public CloseRequest? Close => Volatile.Read(ref _close);

    /// <summary>Completes when a close is requested, so the socket's owner can stop a send stuck on a silent client.</summary>
    public Task CloseRequested => _closeRequested.Task;

    /// <summary>
    /// Queues a frame; false when that would pass the frame or byte bound, or the queue is closed.
    /// A frame alone in the queue always fits, so one large replay cannot close a client that keeps up.
    /// </summary>
    public bool TryEnqueue(byte[] frame)
    {
        if (Close is not null)
            return false;
        var frames = Interlocked.Increment(ref _queuedFrames);
        var bytes = Interlocked.Add(ref _queuedBytes, frame.Length);
        if (frames > _maxFrames || (frames > 1 && bytes > _maxBytes))
        {
            Interlocked.Decrement(ref _queuedFrames);
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            return false;
        }
        return _frames.Writer.TryWrite(frame);
    }

    /// <summary>Asks the send loop to close the socket with this status; frames still queued are dropped.</summary>
    public void RequestClose(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.CompareExchange(ref _close, new CloseRequest(status, reason), null) is null)
        {
            _frames.Writer.TryComplete();
            _closeRequested.TrySetResult();
        }
    }

    /// <summary>Ends the queue when the socket is gone, so the send loop stops.</summary>
    public void Complete() => _frames.Writer.TryComplete();

    /// <summary>The send loop's side: the next frame, or null when the queue ended or a close was requested.</summary>
    public async ValueTask<byte[]?> NextAsync(CancellationToken cancellationToken)
    {
        while (Close is null && await _frames.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Close is null && _frames.Reader.TryRead(out var frame))
            {
                Interlocked.Decrement(ref _queuedFrames);
                Interlocked.Add(ref _queuedBytes, -frame.Length);
                return frame;
            }
        }
        return null;
    }

    public sealed record CloseRequest(WebSocketCloseStatus Status, string Reason);
}
