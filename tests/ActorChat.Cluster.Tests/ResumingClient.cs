using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Cluster.Tests;

/// <summary>
/// A client written as the protocol asks of a careful one: when its socket closes or drops it connects again to a
/// node the load balancer offers, rejoins each of its rooms with <c>since</c> = the last seq it saw there, and sends
/// again every message not acknowledged, with the same id and before anything newer; a send answered
/// <c>unavailable</c> goes again too. Its <see cref="Ledger"/> holds what it was told and what broke the guarantees.
/// </summary>
public sealed class ResumingClient : IAsyncDisposable
{
    private static readonly TimeSpan FrameWait = TimeSpan.FromSeconds(15);
    private readonly string _token;
    private readonly string[] _rooms;
    private readonly Func<IReadOnlyList<Uri>> _balancer;
    private readonly SemaphoreSlim _gate = new(1, 1); // held while a send is noted and sent, and through a resume
    private ChatClient _socket = null!;
    private volatile ChatClient? _live;
    private Task _receiving = Task.CompletedTask;
    private Task _reconnecting = Task.CompletedTask;
    private volatile bool _stopping;
    private int _sent;
    private int _turn;

    private ResumingClient(string user, string token, string[] rooms, Func<IReadOnlyList<Uri>> balancer, int turn)
    {
        (User, _token, _rooms, _balancer, _turn) = (user, token, rooms, balancer, turn);
        Ledger = new ClientLedger(user, rooms);
    }

    public string User { get; }
    public bool IsLive => _live is not null;
    public int Sent => Volatile.Read(ref _sent);

    public ClientLedger Ledger { get; }

    /// <summary>Connects to <paramref name="first"/> and joins every room.</summary>
    public static async Task<ResumingClient> StartAsync(string user, string token, string[] rooms, Uri first,
        Func<IReadOnlyList<Uri>> balancer, int turn)
    {
        var client = new ResumingClient(user, token, rooms, balancer, turn);
        client._socket = await client.OpenAsync(first, resume: false);
        client._live = client._socket;
        client._receiving = client.ReceiveAsync(client._socket);
        return client;
    }

    /// <summary>Posts a message; while the client is away it waits to go with the resume.</summary>
    public async Task SendAsync(string room, string text)
    {
        await _gate.WaitAsync();
        try
        {
            var id = $"{User}-{Interlocked.Increment(ref _sent)}";
            Ledger.Sending(room, id, text);
            await TrySendAsync(_live, new { type = "send", room, id, text });
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        await _reconnecting;
        await _socket.DisposeAsync();
        await _receiving;
        await _reconnecting; // one that began as the last socket closed
        await _socket.DisposeAsync();
        _gate.Dispose();
    }

    /// <summary>Opens a socket and joins every room on it (with since, for a resume), reading until each is joined.</summary>
    private async Task<ChatClient> OpenAsync(Uri address, bool resume)
    {
        var socket = await ChatClient.ConnectAsync(address, _token);
        try
        {
            var welcome = await socket.ReceiveAsync(FrameWait) ?? throw new WebSocketException($"closed ({socket.CloseStatus}) before welcome");
            if (welcome.GetProperty("type").GetString() != "welcome")
                throw new WebSocketException($"expected welcome, got {welcome}");
            foreach (var room in _rooms)
            {
                await socket.SendAsync(resume ? new { type = "join", room, since = Ledger.LastSeq(room) } : new { type = "join", room });
            }
            var awaited = _rooms.ToHashSet();
            while (awaited.Count > 0)
            {
                var frame = await socket.ReceiveAsync(FrameWait) ?? throw new WebSocketException($"closed ({socket.CloseStatus}) while joining");
                if (frame.GetProperty("type").GetString() == "joined")
                    awaited.Remove(frame.GetProperty("room").GetString()!);
                Record(frame);
            }
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    private async Task ReceiveAsync(ChatClient socket)
    {
        try
        {
            while (await socket.ReceiveAsync(TimeSpan.FromMinutes(10)) is { } frame)
                Record(frame);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // dropped
        }
        if (_stopping)
            return;
        _live = null;
        _reconnecting = ReconnectAsync(Stopwatch.GetTimestamp());
    }

    /// <summary>Tries the balancer's nodes in turn until one takes the client back, then resends what was not acked.</summary>
    private async Task ReconnectAsync(long lostAt)
    {
        await Task.Yield();
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!_stopping)
        {
            var nodes = _balancer();
            var address = nodes[_turn++ % nodes.Count];
            await _gate.WaitAsync();
            try
            {
                var socket = await OpenAsync(address, resume: true);
                var back = Stopwatch.GetElapsedTime(lostAt);
                foreach (var (room, id, text) in Ledger.Unacked)
                    await socket.SendAsync(new { type = "send", room, id, text });
                var lost = _socket;
                (_socket, _live) = (socket, socket);
                Ledger.Back(back);
                await lost.DisposeAsync();
                _receiving = ReceiveAsync(socket);
                return;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException or HttpRequestException)
            {
                // That node did not take us (it is going, or not there yet): the next one, after a moment.
            }
            finally
            {
                _gate.Release();
            }
            await Task.Delay(backoff);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    private static async Task TrySendAsync(ChatClient? socket, object frame)
    {
        if (socket is null)
            return;
        try
        {
            await socket.SendAsync(frame);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // the socket is going: the send stays unacknowledged and goes again with the resume
        }
    }

    private void Record(JsonElement frame)
    {
        // Outcome unknown: the protocol says to send it again with the same id (the ledger counts it as a failure).
        if (Ledger.Record(frame) is { } unavailable)
            _ = ResendAsync(unavailable);
    }

    private async Task ResendAsync(string id)
    {
        await _gate.WaitAsync();
        try
        {
            var send = Ledger.UnackedSend(id);
            if (send.Id is not null)
                await TrySendAsync(_live, new { type = "send", room = send.Room, id, text = send.Text });
        }
        finally
        {
            _gate.Release();
        }
    }
}
