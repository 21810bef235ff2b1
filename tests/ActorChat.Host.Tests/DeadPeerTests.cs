using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class DeadPeerTests
{
    [Fact]
    public async Task A_peer_that_stops_answering_pings_is_dropped_and_leaves_its_rooms()
    {
        await using var server = await ChatServer.StartAsync(null,
            "ActorChat:Connections:KeepAliveInterval=00:00:01", "ActorChat:Connections:KeepAliveTimeout=00:00:01");
        await using var watcher = await server.ConnectAsync("watcher");
        await watcher.JoinAsync("vigil");

        // A client whose network vanished: it joins, then never reads again, so it never answers a ping.
        using var vanished = await OpenSilentSocketAsync(server, await server.RegisterAndLoginAsync("vanished"), """{"type":"join","room":"vigil"}""");
        var joined = await watcher.ExpectAsync("presence");
        Assert.Equal(("vanished", "join"), (joined.GetProperty("user").GetString(), joined.GetProperty("event").GetString()));

        var left = await watcher.ExpectAsync("presence");
        Assert.Equal(("vanished", "leave"), (left.GetProperty("user").GetString(), left.GetProperty("event").GetString()));
    }

    /// <summary>A WebSocket made by hand over TCP, so that nothing answers the server's pings: sends one text frame.</summary>
    private static async Task<TcpClient> OpenSilentSocketAsync(ChatServer server, string token, string frame)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Address.Host, server.Address.Port);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET /ws HTTP/1.1\r\nHost: {server.Address.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        // Read the answer's headers only, up to the blank line; the welcome frame after them stays unread.
        var headers = new StringBuilder();
        var one = new byte[1];
        while (!headers.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0)
                throw new InvalidOperationException("the server closed during the handshake");
            headers.Append((char)one[0]);
        }
        Assert.StartsWith("HTTP/1.1 101", headers.ToString(), StringComparison.Ordinal);

        // A client's frame is masked: FIN + text, the mask bit with the length, the mask, the masked payload.
        var payload = Encoding.UTF8.GetBytes(frame);
        Assert.True(payload.Length < 126);
        var mask = RandomNumberGenerator.GetBytes(4);
        var bytes = new byte[2 + 4 + payload.Length];
        bytes[0] = 0x81;
        bytes[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(bytes, 2);
        for (var i = 0; i < payload.Length; i++)
            bytes[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        await stream.WriteAsync(bytes);
        return tcp;
    }
}
