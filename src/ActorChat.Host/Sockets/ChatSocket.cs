using System.Buffers;
using System.Net.WebSockets;
using ActorChat.Connections;
using ActorChat.Protocol;
using Akka.Actor;

namespace ActorChat.Host.Sockets;

/// <summary>
/// Pumps one accepted WebSocket: a receive loop that turns text frames into typed frames for the
/// connection's actor, and the single send loop that drains its outbox.
/// </summary>
public sealed class ChatSocket(WebSocket socket, IActorRef connection, Outbox outbox, int maxFrameBytes, ILogger logger)
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    public async Task RunAsync(CancellationToken shuttingDown)
    {
        using var stopping = shuttingDown.Register(() => outbox.RequestClose(CloseReasons.ShuttingDown));
        var receiving = ReceiveLoopAsync();
        var sending = SendLoopAsync();

        await Task.WhenAny(receiving, sending, outbox.CloseRequested);
        connection.Tell(ConnectionActor.SocketClosed.Instance);
        outbox.Complete();

        // A client that stopped reading leaves the send loop stuck in SendAsync and never answers the close
        // handshake: past a grace period the socket is dropped so that nothing of it lingers.
        if (!await CompletesWithinAsync(sending) || !await CompletesWithinAsync(receiving))
            socket.Abort();
        await sending;
        await receiving;
    }

    private static async Task<bool> CompletesWithinAsync(Task task)
    {
        await Task.WhenAny(task, Task.Delay(CloseHandshakeTimeout, CancellationToken.None));
        return task.IsCompleted;
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                // Wait for the next frame with no buffer, so an idle connection holds none: one is rented per frame.
                var next = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (!await ReceiveFrameAsync(next))
                    return;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            logger.LogDebug(e, "socket receive ended");
        }
    }

    /// <summary>Reads the rest of the frame <paramref name="start"/> announced; false when the socket is to close.</summary>
    private async Task<bool> ReceiveFrameAsync(ValueWebSocketReceiveResult start)
    {
        switch (start.MessageType)
        {
            case WebSocketMessageType.Close:
                outbox.RequestClose(CloseReasons.Normal);
                return false;
            case WebSocketMessageType.Binary:
                outbox.RequestClose(CloseReasons.BinaryFrame);
                return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(maxFrameBytes + 1);
        try
        {
            var length = 0;
            var result = start;
            while (!result.EndOfMessage)
            {
                if (length > maxFrameBytes)
                    break;
                result = await socket.ReceiveAsync(buffer.AsMemory(length, maxFrameBytes + 1 - length), CancellationToken.None);
                length += result.Count;
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    outbox.RequestClose(CloseReasons.Normal);
                    return false;
                }
            }

            if (length > maxFrameBytes)
            {
                outbox.RequestClose(CloseReasons.FrameTooLarge(maxFrameBytes));
                return false;
            }
            if (!FrameParser.IsValidUtf8(buffer.AsSpan(0, length)))
            {
                outbox.RequestClose(CloseReasons.InvalidUtf8);
                return false;
            }
            connection.Tell(FrameParser.Parse(buffer.AsMemory(0, length)));
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (await outbox.NextAsync(CancellationToken.None) is { } frame)
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

            if (outbox.Close is { } close && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseHandshakeTimeout);
                await socket.CloseOutputAsync(close.Status, close.Reason, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            logger.LogDebug(e, "socket send ended");
        }
    }
}
