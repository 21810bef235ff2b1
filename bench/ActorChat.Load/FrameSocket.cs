using System.Buffers;
using System.Net.WebSockets;

namespace ActorChat.Load;

/// <summary>
/// One WebSocket of a connection: whole text frames in and out. Sends are serialized by a lock of its own. It keeps a
/// 1 KiB receive buffer and borrows a larger one only while a larger frame is read, so that tens of thousands of
/// sockets fit in one client process.
/// </summary>
internal sealed class FrameSocket : IDisposable
{
    private const int SmallBuffer = 1024;
    private const int MaxFrameBytes = 16 << 20;

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly byte[] _small = new byte[SmallBuffer];
    private byte[] _buffer;

    private FrameSocket() => _buffer = _small;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public string? CloseStatusDescription => _socket.CloseStatusDescription;
    public WebSocketState State => _socket.State;

    /// <summary>The frame <see cref="ReceiveAsync"/> read last; valid until <see cref="Release"/>.</summary>
    public ReadOnlySpan<byte> Frame(int length) => _buffer.AsSpan(0, length);

    /// <summary>One HTTP handler for every connection's upgrade request, so that connections share its setup.</summary>
    public static HttpMessageInvoker CreateInvoker(TimeSpan connectTimeout) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    });

    /// <summary>Opens a socket with the user's token; the caller owns it, also when the upgrade fails.</summary>
    public static FrameSocket Create(string token)
    {
        var socket = new FrameSocket();
        socket._socket.Options.KeepAliveInterval = TimeSpan.Zero; // the server pings; the client answers inside ReceiveAsync
        socket._socket.Options.SetBuffer(SmallBuffer, SmallBuffer);
        socket._socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        return socket;
    }

    public Task ConnectAsync(Uri uri, HttpMessageInvoker invoker, CancellationToken ct) => _socket.ConnectAsync(uri, invoker, ct);

    public async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends the close frame (the receive side still reads until the server's close arrives).</summary>
    public async Task CloseOutputAsync(WebSocketCloseStatus status, string? reason, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try
        {
            await _socket.CloseOutputAsync(status, reason, ct);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Completes the closing handshake the server started, within 5 s; a socket already gone is left alone.</summary>
    public async Task AnswerCloseAsync()
    {
        if (_socket.State != WebSocketState.CloseReceived)
            return;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // already gone
        }
    }

    /// <summary>Reads one whole text frame (see <see cref="Frame"/>); its length, or -1 when the server closed.</summary>
    public async ValueTask<int> ReceiveAsync(CancellationToken ct)
    {
        var count = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(_buffer.AsMemory(count), ct);
            if (result.MessageType == WebSocketMessageType.Close)
                return -1;
            if (result.MessageType != WebSocketMessageType.Text)
                throw new InvalidDataException("the server sent a binary frame");
            count += result.Count;
            if (result.EndOfMessage)
                return count;
            if (count == _buffer.Length)
                GrowBuffer(count);
        }
    }

    /// <summary>Hands back the larger buffer a frame borrowed, once the frame is handled.</summary>
    public void Release()
    {
        if (_buffer != _small)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = _small;
    }

    public void Abort() => _socket.Abort();

    public void Dispose()
    {
        _socket.Abort();
        _socket.Dispose();
        _sendLock.Dispose();
        Release();
    }

    private void GrowBuffer(int used)
    {
        if (_buffer.Length >= MaxFrameBytes)
            throw new InvalidDataException($"a frame over {MaxFrameBytes >> 20} MiB");
        var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 4);
        _buffer.AsSpan(0, used).CopyTo(larger);
        Release();
        _buffer = larger;
    }
}
