using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>
/// A WebSocket made by hand over TCP, for what a well-behaved client library never does: leave pings unanswered, or
/// send control frames of its own.
/// </summary>
public sealed class RawWebSocket : IDisposable
{
    private readonly TcpClient _tcp;

    private RawWebSocket(TcpClient tcp) => _tcp = tcp;

    public NetworkStream Stream => _tcp.GetStream();

    /// <summary>Upgrades with <paramref name="token"/> and reads the answer's headers only; the frames after them stay unread.</summary>
    public static async Task<RawWebSocket> OpenAsync(ChatServer server, string token)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Address.Host, server.Address.Port);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET /ws HTTP/1.1\r\nHost: {server.Address.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var headers = new StringBuilder();
        var one = new byte[1];
        while (!headers.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0)
                throw new InvalidOperationException("the server closed during the handshake");
            headers.Append((char)one[0]);
        }
        Assert.StartsWith("HTTP/1.1 101", headers.ToString(), StringComparison.Ordinal);
        return new RawWebSocket(tcp);
    }

    public const byte Text = 0x1;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    /// <summary>A client's frame, masked as the protocol requires: FIN and the opcode, the mask bit with the length, the mask, the payload.</summary>
    public static byte[] Frame(byte opcode, byte[] payload)
    {
        Assert.True(payload.Length < 126);
        var mask = RandomNumberGenerator.GetBytes(4);
        var bytes = new byte[2 + 4 + payload.Length];
        bytes[0] = (byte)(0x80 | opcode);
        bytes[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(bytes, 2);
        for (var i = 0; i < payload.Length; i++)
            bytes[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        return bytes;
    }

    public Task SendTextAsync(string frame) => Stream.WriteAsync(Frame(Text, Encoding.UTF8.GetBytes(frame))).AsTask();

    /// <summary>The opcode of the server's next frame (server frames are not masked); its payload is skipped.</summary>
    public async Task<byte> ReadOpcodeAsync(CancellationToken cancel)
    {
        var header = new byte[2];
        await Stream.ReadExactlyAsync(header, cancel);
        long length = header[1] & 0x7F;
        if (length >= 126)
        {
            var extended = new byte[length == 126 ? 2 : 8];
            await Stream.ReadExactlyAsync(extended, cancel);
            length = extended.Aggregate(0L, (total, b) => (total << 8) | b);
        }
        await Stream.ReadExactlyAsync(new byte[length], cancel);
        return (byte)(header[0] & 0x0F);
    }

    public void Dispose() => _tcp.Dispose();
}
