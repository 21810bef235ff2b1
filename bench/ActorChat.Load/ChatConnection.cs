using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace ActorChat.Load;

/// <summary>
/// One connection of the run: connects with the user's token, waits for <c>welcome</c>, joins its room and waits
/// for <c>joined</c>, then reads frames until the end. Messages go to its <see cref="MessageCheck"/>, <c>ack</c>s to
/// its <see cref="Sender"/>. With a <see cref="Reconnection"/>, a socket the server closes or that drops is replaced:
/// the connection opens another, resumes its room from the last seq it saw, and its sender sends again what was not
/// acknowledged.
/// </summary>
internal sealed class ChatConnection : IDisposable
{
    private readonly RunStats _stats;
    private readonly MessageCheck _check;
    private readonly FrameDispatch _frames;
    private Uri? _uri;
    private string _token = "";
    private HttpMessageInvoker? _invoker;
    private Reconnection? _reconnection;
    private FrameSocket? _socket;
    private volatile FrameSocket? _live;
    private Task _receiving = Task.CompletedTask;
    private Task _reconnecting = Task.CompletedTask;
    private volatile bool _broken;

    public ChatConnection(int index, RoomPlan room, string user, RunStats stats)
    {
        Index = index;
        Room = room;
        User = user;
        _stats = stats;
        _check = new MessageCheck(room, stats, () => Name);
        _frames = new FrameDispatch(this, _check, stats);
    }

    public int Index { get; }
    public RoomPlan Room { get; }
    public string User { get; }
    public string Name => $"connection {Index} ({User} in {Room.Name})";

    /// <summary>Its sending side, when it is one of the senders.</summary>
    public Sender? Sender { get; set; }

    /// <summary>One log per sender of its room (null for itself); set before the first message is sent.</summary>
    public ReceiptLog?[]? Receipts
    {
        get => _check.Receipts;
        set => _check.Receipts = value;
    }

    /// <summary>Connected and joined.</summary>
    public bool Joined { get; private set; }

    /// <summary>Closed by the server, or lost, after it had joined and before the run ended, and not back.</summary>
    public bool Broken => _broken;

    /// <summary>Replaces a socket that the server closes or that drops.</summary>
    public bool Reconnects => _reconnection is not null;

    public int Received => _check.Received;
    public int Delivered => _check.Delivered;
    public int Duplicates => _check.Duplicates;
    public int OutOfOrder => _check.OutOfOrder;

    /// <param name="reconnection">Null: a socket that closes or drops leaves the connection broken.</param>
    public async Task ConnectAsync(Uri uri, string token, HttpMessageInvoker invoker, Reconnection? reconnection, CancellationToken ct)
    {
        (_uri, _token, _invoker, _reconnection) = (uri, token, invoker, reconnection);
        var socket = await OpenAsync(since: null, ct);
        _socket = _live = socket;
        Joined = true;
        _receiving = ReceiveLoopAsync(socket);
    }

    public Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken ct) =>
        (_socket ?? throw new InvalidOperationException("not connected")).SendAsync(frame, ct);

    /// <summary>Sends on the current socket once the connection is back; while it is away, nothing (it resends later).</summary>
    public async Task SendLiveAsync(ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        if (_live is not { } socket)
            return;
        try
        {
            await socket.SendAsync(frame, ct);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            // The socket is going: what was not acked goes again on the next one.
        }
    }

    /// <summary>Closes normally (1000) and waits for the server's close, at most <paramref name="timeout"/>.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _reconnecting.WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // closed below either way
        }
        if (_socket is not { } socket)
            return;
        try
        {
            if (socket.State == WebSocketState.Open)
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "load run finished", cts.Token);
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

    public void Dispose() => _socket?.Dispose();

    /// <summary>
    /// Opens a socket and joins the room on it (with <paramref name="since"/>, a resume); the socket is not read
    /// further until <see cref="AdoptAsync"/>.
    /// </summary>
    internal async Task<FrameSocket> OpenAsync(long? since, CancellationToken ct)
    {
        var socket = FrameSocket.Create(_token);
        _socket ??= socket; // the first one, so that Dispose cleans up after a failed connect
        try
        {
            await socket.ConnectAsync(_uri!, _invoker!, ct);
            await ReceiveUntilAsync(socket, FrameKind.Welcome, ct);
            await socket.SendAsync(JoinFrame(Room.Name, since), ct);
            _frames.Resuming = since is not null;
            await ReceiveUntilAsync(socket, FrameKind.Joined, ct);
            return socket;
        }
        catch when (socket != _socket)
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A resumed socket replaces the lost one: the sender resends on it, then the connection reads it.</summary>
    internal async Task AdoptAsync(FrameSocket socket, CancellationToken ct)
    {
        var resent = Sender is { } sender ? await sender.ResumeAsync(socket, () => _live = socket, ct) : 0;
        _live = socket;
        _stats.Resent(resent);
        var lost = _socket;
        _socket = socket;
        lost?.Dispose();
        _receiving = ReceiveLoopAsync(socket);
    }

    /// <summary>The highest room seq this connection saw: where a resume replays from.</summary>
    internal long LastSeq => _check.LastSeq;

    internal void GaveUp() => _broken = true;

    private static byte[] JoinFrame(string room, long? since) => Encoding.UTF8.GetBytes(since is { } seq
        ? $$"""{"type":"join","room":"{{room}}","since":{{seq}}}"""
        : $$"""{"type":"join","room":"{{room}}"}""");

    private async Task ReceiveUntilAsync(FrameSocket socket, FrameKind wanted, CancellationToken ct)
    {
        while (true)
        {
            var length = await socket.ReceiveAsync(ct);
            if (length < 0)
                throw new WebSocketException($"closed by the server before {wanted.ToString().ToLowerInvariant()}: {(int?)socket.CloseStatus} {socket.CloseStatusDescription}");
            var kind = Handle(socket, length);
            if (kind == wanted)
                return;
            if (kind == FrameKind.Error)
                throw new WebSocketException($"before {wanted.ToString().ToLowerInvariant()}: {_frames.LastError}");
        }
    }

    private async Task ReceiveLoopAsync(FrameSocket socket)
    {
        try
        {
            while (true)
            {
                var length = await socket.ReceiveAsync(CancellationToken.None);
                if (length < 0)
                {
                    Lost(socket.CloseStatus, $"closed by the server: {(int?)socket.CloseStatus} {socket.CloseStatusDescription}");
                    await socket.AnswerCloseAsync();
                    return;
                }
                Handle(socket, length);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException or InvalidDataException)
        {
            Lost(null, $"connection lost: {e.Message}");
        }
    }

    /// <summary>The socket closed or dropped before the end of the run: reconnect, or count it broken.</summary>
    private void Lost(WebSocketCloseStatus? status, string how)
    {
        if (_stats.Stopping)
            return;
        if (_reconnection is { } reconnection && Reconnection.Recovers(status))
        {
            _live = null;
            _stats.Dropped(status, $"{Name}: {how}");
            _reconnecting = reconnection.RunAsync(this, Stopwatch.GetTimestamp());
            return;
        }
        _broken = true;
        _stats.Closed(status, $"{Name}: {how}");
    }

    private FrameKind Handle(FrameSocket socket, int length)
    {
        try
        {
            return _frames.Handle(socket.Frame(length));
        }
        finally
        {
            socket.Release();
        }
    }
}
