using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace ActorChat.Load;

/// <summary>
/// One WebSocket connection of the run: connects with the user's token, waits for <c>welcome</c>, joins its room and
/// waits for <c>joined</c>, then reads frames until the end. It checks every <c>message</c> against the senders of
/// its room (sequence numbers per sender: deliveries, duplicates, order) and passes <c>ack</c>s to its
/// <see cref="Sender"/>. It keeps a 1 KiB receive buffer and borrows a larger one only while a larger frame is read,
/// so that tens of thousands of connections fit in one client process.
/// </summary>
internal sealed class ChatConnection : IDisposable
{
    private const int SmallBuffer = 1024;
    private const int MaxFrameBytes = 16 << 20;
    private static readonly byte[] PongFrame = """{"type":"pong"}"""u8.ToArray();

    private readonly RunStats _stats;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly byte[] _small = new byte[SmallBuffer];
    private byte[] _buffer;
    private ClientWebSocket? _socket;
    private Task _receiving = Task.CompletedTask;
    private string? _lastError;
    private volatile bool _broken;
    private int _received;
    private int _delivered;
    private int _duplicates;
    private int _outOfOrder;

    public ChatConnection(int index, RoomPlan room, string user, RunStats stats)
    {
        Index = index;
        Room = room;
        User = user;
        _stats = stats;
        _buffer = _small;
    }

    private enum FrameKind
    {
        Other,
        Welcome,
        Joined,
        Error,
    }

    public int Index { get; }
    public RoomPlan Room { get; }
    public string User { get; }
    public string Name => $"connection {Index} ({User} in {Room.Name})";

    /// <summary>Its sending side, when it is one of the senders.</summary>
    public Sender? Sender { get; set; }

    /// <summary>One log per sender of its room (null for itself); set before the first message is sent.</summary>
    public ReceiptLog?[]? Receipts { get; set; }

    /// <summary>Connected and joined.</summary>
    public bool Joined { get; private set; }

    /// <summary>Closed by the server, or lost, after it had joined and before the run ended.</summary>
    public bool Broken => _broken;

    /// <summary>Messages of this run received (each once), measured or not.</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>Measured messages received (each once).</summary>
    public int Delivered => Volatile.Read(ref _delivered);

    public int Duplicates => Volatile.Read(ref _duplicates);
    public int OutOfOrder => Volatile.Read(ref _outOfOrder);

    /// <summary>One HTTP handler for every connection's upgrade request, so that connections share its setup.</summary>
    public static HttpMessageInvoker CreateInvoker(TimeSpan connectTimeout) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    });

    public async Task ConnectAsync(Uri uri, string token, HttpMessageInvoker invoker, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        _socket = socket;
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // the server pings; the client answers inside ReceiveAsync
        socket.Options.SetBuffer(SmallBuffer, SmallBuffer);
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await socket.ConnectAsync(uri, invoker, ct);
        await ReceiveUntilAsync(socket, FrameKind.Welcome, ct);
        await SendAsync(JoinFrame(Room.Name), ct);
        await ReceiveUntilAsync(socket, FrameKind.Joined, ct);
        Joined = true;
        _receiving = ReceiveLoopAsync(socket);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        var socket = _socket ?? throw new InvalidOperationException("not connected");
        await _sendLock.WaitAsync(ct);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes normally (1000) and waits for the server's close, at most <paramref name="timeout"/>.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        if (_socket is not { } socket)
            return;
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            if (socket.State == WebSocketState.Open)
            {
                await _sendLock.WaitAsync(cts.Token);
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "load run finished", cts.Token);
                }
                finally
                {
                    _sendLock.Release();
                }
            }
            await _receiving.WaitAsync(cts.Token);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // it is going away either way
        }
        finally
        {
            socket.Abort();
        }
    }

    public void Dispose()
    {
        _socket?.Abort();
        _socket?.Dispose();
        _sendLock.Dispose();
        ReleaseLargeBuffer();
    }

    private static byte[] JoinFrame(string room) => Encoding.UTF8.GetBytes($$"""{"type":"join","room":"{{room}}"}""");

    private async Task ReceiveUntilAsync(ClientWebSocket socket, FrameKind wanted, CancellationToken ct)
    {
        while (true)
        {
            var length = await ReceiveFrameAsync(socket, ct);
            if (length < 0)
                throw new WebSocketException($"closed by the server before {wanted.ToString().ToLowerInvariant()}: {(int?)socket.CloseStatus} {socket.CloseStatusDescription}");
            var kind = Handle(length);
            if (kind == wanted)
                return;
            if (kind == FrameKind.Error)
                throw new WebSocketException($"before {wanted.ToString().ToLowerInvariant()}: {_lastError}");
        }
    }

    private async Task ReceiveLoopAsync(ClientWebSocket socket)
    {
        try
        {
            while (true)
            {
                var length = await ReceiveFrameAsync(socket, CancellationToken.None);
                if (length < 0)
                {
                    await OnClosedByServerAsync(socket);
                    return;
                }
                Handle(length);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException or InvalidDataException)
        {
            if (!_stats.Stopping)
            {
                _broken = true;
                _stats.Closed(null, $"{Name}: connection lost: {e.Message}");
            }
        }
    }

    private async Task OnClosedByServerAsync(ClientWebSocket socket)
    {
        if (!_stats.Stopping)
        {
            _broken = true;
            _stats.Closed(socket.CloseStatus, $"{Name}: closed by the server: {(int?)socket.CloseStatus} {socket.CloseStatusDescription}");
        }
        if (socket.State != WebSocketState.CloseReceived)
            return;
        try
        {
            // Complete the closing handshake the server started.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _sendLock.WaitAsync(cts.Token);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // already gone
        }
    }

    /// <summary>Reads one whole text frame into <see cref="_buffer"/>; its length, or -1 when the server closed.</summary>
    private async ValueTask<int> ReceiveFrameAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var count = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(_buffer.AsMemory(count), ct);
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

    private void GrowBuffer(int used)
    {
        if (_buffer.Length >= MaxFrameBytes)
            throw new InvalidDataException($"a frame over {MaxFrameBytes >> 20} MiB");
        var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 4);
        _buffer.AsSpan(0, used).CopyTo(larger);
        ReleaseLargeBuffer();
        _buffer = larger;
    }

    private void ReleaseLargeBuffer()
    {
        if (_buffer != _small)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = _small;
    }

    private FrameKind Handle(int length)
    {
        try
        {
            return Handle(_buffer.AsSpan(0, length));
        }
        finally
        {
            ReleaseLargeBuffer();
        }
    }

    private FrameKind Handle(ReadOnlySpan<byte> json)
    {
        if (!IncomingFrame.TryParse(json, out var frame))
        {
            _stats.Error("protocol", $"{Name}: a frame that is not a JSON object");
            return FrameKind.Other;
        }
        var type = frame.Type;
        if (type.SequenceEqual("message"u8))
        {
            OnMessage(frame.Text, replay: false);
        }
        else if (type.SequenceEqual("ack"u8))
        {
            if (Sender is { } sender)
                sender.OnAck(frame.Id);
            else
                _stats.Error("protocol", $"{Name}: an ack on a connection that sent nothing");
        }
        else if (type.SequenceEqual("joined"u8))
        {
            // A second joined (the room restarted under its members) replays what this member may have missed.
            while (frame.NextMessage(out _, out var text))
                OnMessage(text, replay: true);
            return FrameKind.Joined;
        }
        else if (type.SequenceEqual("welcome"u8))
        {
            return FrameKind.Welcome;
        }
        else if (type.SequenceEqual("error"u8))
        {
            var code = Encoding.UTF8.GetString(frame.Code);
            _lastError = $"error {code}: {Encoding.UTF8.GetString(frame.Message)}"
                + (frame.Ref.IsEmpty ? "" : $" (ref {Encoding.UTF8.GetString(frame.Ref)})");
            _stats.Error("error:" + code, $"{Name}: {_lastError}");
            return FrameKind.Error;
        }
        else if (type.SequenceEqual("ping"u8))
        {
            _ = SendPongAsync();
        }
        // presence, typing, read, pong and anything newer need nothing from a load client
        return FrameKind.Other;
    }

    private void OnMessage(ReadOnlySpan<byte> text, bool replay)
    {
        var now = Stopwatch.GetTimestamp();
        if (!MessageStamp.TryParseText(text, out var stamp) || stamp.Run != _stats.Run)
        {
            if (!replay)
                _stats.CountForeign(); // history of earlier runs, or someone else talking in the room
            return;
        }
        var receipts = Receipts;
        var local = stamp.Sender - Room.FirstSender;
        if (receipts is null || (uint)local >= (uint)receipts.Length)
        {
            _stats.Error("protocol", $"{Name}: a message of sender {stamp.Sender}, who is not in its room");
            return;
        }
        if (receipts[local] is not { } log)
        {
            _stats.Error("protocol", $"{Name}: its own message came back (the sending connection gets only the ack)");
            return;
        }
        switch (log.Record(stamp.Sequence))
        {
            case Receipt.Unknown:
                _stats.Error("protocol", $"{Name}: a message numbered {stamp.Sequence}, which sender {stamp.Sender} never sends");
                return;
            case Receipt.Duplicate:
                if (!replay)
                    Interlocked.Increment(ref _duplicates);
                return;
            case Receipt.OutOfOrder when !replay:
                Interlocked.Increment(ref _outOfOrder);
                break;
        }
        Interlocked.Increment(ref _received);
        if (_stats.Schedule.IsMeasured(stamp.ScheduledAt))
        {
            Interlocked.Increment(ref _delivered);
            _stats.DeliveryFromSchedule.RecordTicks(now - stamp.ScheduledAt);
            _stats.DeliveryFromSend.RecordTicks(now - stamp.SentAt);
        }
    }

    private async Task SendPongAsync()
    {
        try
        {
            await SendAsync(PongFrame, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // the receive loop reports the broken connection
        }
    }
}
