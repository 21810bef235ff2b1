using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ActorChat.Testing;

/// <summary>A protocol client over a real ClientWebSocket, as someone else's client would be.</summary>
public sealed class ChatClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket;

    private ChatClient(ClientWebSocket socket) => _socket = socket;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    public static async Task<ChatClient> ConnectAsync(Uri address, string token)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await socket.ConnectAsync(address, CancellationToken.None);
        return new ChatClient(socket);
    }

    public Task SendAsync(object frame) => SendTextAsync(JsonSerializer.Serialize(frame));

    public Task SendTextAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendRawAsync(byte[] bytes, WebSocketMessageType type) =>
        _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);

    /// <summary>The next frame, or null when the server closed the socket.</summary>
    public async Task<JsonElement?> ReceiveAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? DefaultWait);
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
                return null;
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
    }

    /// <summary>The next frame, which must be of <paramref name="type"/>.</summary>
    public async Task<JsonElement> ExpectAsync(string type)
    {
        var frame = await ReceiveAsync() ?? throw new InvalidOperationException($"closed ({CloseStatus}) while waiting for '{type}'");
        Assert.True(frame.GetProperty("type").GetString() == type, $"expected '{type}', got {frame}");
        return frame;
    }

    /// <summary>The next frame, whatever its type; the socket must still be open.</summary>
    public async Task<JsonElement> NextAsync() =>
        await ReceiveAsync() ?? throw new InvalidOperationException($"closed ({CloseStatus}) while waiting for a frame");

    /// <summary>Frames until one of <paramref name="type"/>; the ones skipped must be of the listed ignorable types.</summary>
    public async Task<JsonElement> ExpectSkippingAsync(string type, params string[] ignorable)
    {
        while (true)
        {
            var frame = await ReceiveAsync() ?? throw new InvalidOperationException($"closed ({CloseStatus}) while waiting for '{type}'");
            var actual = frame.GetProperty("type").GetString();
            if (actual == type)
                return frame;
            Assert.True(ignorable.Contains(actual), $"expected '{type}', got {frame}");
        }
    }

    /// <summary>Asserts that nothing arrives for a while: a ping sent now is answered by the very next frame.</summary>
    public async Task ExpectNothingPendingAsync()
    {
        await SendAsync(new { type = "ping" });
        await ExpectAsync("pong");
    }

    /// <summary>Waits for the server to close the socket and returns its close status.</summary>
    public async Task<WebSocketCloseStatus?> ExpectClosedAsync()
    {
        var deadline = DateTime.UtcNow + DefaultWait;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await ReceiveAsync() is null)
                    return CloseStatus;
            }
            catch (WebSocketException)
            {
                return CloseStatus;
            }
        }
        throw new TimeoutException("the server did not close the socket");
    }

    public async Task<JsonElement> JoinAsync(string room, long? since = null)
    {
        await SendAsync(since is null ? new { type = "join", room } : new { type = "join", room, since });
        return await ExpectAsync("joined");
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
        _socket.Dispose();
    }
}
