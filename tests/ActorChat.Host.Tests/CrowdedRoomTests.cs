using System.Net.WebSockets;
using System.Text;
using ActorChat.Accounts;
using ActorChat.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ActorChat.Host.Tests;

/// <summary>A room as full as a big community's lobby, over real sockets with the default connection limits.</summary>
public sealed class CrowdedRoomTests
{
    private const int Crowd = 2000;

    [Fact]
    public async Task Joining_a_room_where_two_thousand_users_are_present_lists_them_all_with_their_read_markers_and_keeps_the_socket()
    {
        await using var server = await ChatServer.StartAsync();
        var tokens = server.Services.GetRequiredService<TokenService>();
        string TokenOf(int i) => tokens.Issue($"crowd{i:D4}").Token;

        await using (var opener = await ChatClient.ConnectAsync(server.SocketAddress, tokens.Issue("opener").Token))
        {
            await opener.ExpectAsync("welcome");
            await opener.SendAsync(new { type = "join", room = "lobby" });
            await opener.ExpectAsync("joined");
            await opener.SendAsync(new { type = "send", room = "lobby", id = "first", text = "welcome to the lobby" });
            await opener.ExpectAsync("ack");
        }

        // Every crowd user has read the first message, each on a visit of its own, then they all come back and
        // stay. Users are signed in with tokens of the server's own key, as a login would give them.
        await ForEachAsync(Enumerable.Range(0, Crowd), async i =>
        {
            await using var visit = await ChatClient.ConnectAsync(server.SocketAddress, TokenOf(i));
            await visit.ExpectAsync("welcome");
            await visit.SendAsync(new { type = "join", room = "lobby" });
            await visit.ExpectAsync("joined");
            await visit.SendAsync(new { type = "read", room = "lobby", seq = 1 });
            await visit.SendAsync(new { type = "leave", room = "lobby" });
            await visit.ExpectSkippingAsync("left", "read", "presence");
        });
        var crowd = new CrowdMember[Crowd];
        await ForEachAsync(Enumerable.Range(0, Crowd), async i =>
            crowd[i] = await CrowdMember.JoinAsync(server.SocketAddress, TokenOf(i), "lobby"));
        try
        {
            await using var alice = await ChatClient.ConnectAsync(server.SocketAddress, tokens.Issue("alice").Token);
            await alice.ExpectAsync("welcome");
            await alice.SendAsync(new { type = "join", room = "lobby" });

            var joined = await alice.ExpectAsync("joined");
            var members = joined.GetProperty("members").EnumerateArray().Select(m => m.GetString()).ToHashSet();
            Assert.Equal(Crowd + 1, members.Count);
            Assert.Contains("crowd0000", members);
            Assert.Contains("crowd1999", members);
            var readers = new HashSet<string?>();
            for (var i = 0; i < Crowd; i++)
            {
                var read = await alice.ExpectAsync("read");
                Assert.Equal(1, read.GetProperty("seq").GetInt64());
                readers.Add(read.GetProperty("user").GetString());
            }
            Assert.Equal(Crowd, readers.Count);

            // Still open and served: her message is acked and reaches the whole crowd.
            await alice.SendAsync(new { type = "send", room = "lobby", id = "hello-all", text = "hello, everyone" });
            Assert.Equal(2, (await alice.ExpectAsync("ack")).GetProperty("seq").GetInt64());
            Assert.Null(alice.CloseStatus);
            await Eventually.True(() => crowd.All(member => member.HasSeen("hello, everyone")),
                () => $"every member sees the message; closed: {string.Join(", ", crowd.Where(member => member.CloseStatus is not null).Select(member => member.CloseStatus))}", TimeSpan.FromSeconds(60));
        }
        finally
        {
            await Task.WhenAll(crowd.Where(member => member is not null).Select(member => member.DisposeAsync().AsTask()));
        }
    }

    private static Task ForEachAsync(IEnumerable<int> items, Func<int, Task> action) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) => await action(i));

    /// <summary>A member that drains its socket, remembering only whether a given text went by and why it closed.</summary>
    private sealed class CrowdMember : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket;
        private readonly Task _reading;
        private readonly CancellationTokenSource _stop = new();
        private volatile string _received = "";

        private CrowdMember(ClientWebSocket socket)
        {
            _socket = socket;
            _reading = Task.Run(ReadAsync);
        }

        public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

        public bool HasSeen(string text) => _received.Contains(text, StringComparison.Ordinal);

        public static async Task<CrowdMember> JoinAsync(Uri address, string token, string room)
        {
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            await socket.ConnectAsync(address, CancellationToken.None);
            var welcome = await ReceiveTextAsync(socket);
            Assert.Contains("\"welcome\"", welcome, StringComparison.Ordinal);
            await socket.SendAsync(Encoding.UTF8.GetBytes($$"""{"type":"join","room":"{{room}}"}"""), WebSocketMessageType.Text, true, CancellationToken.None);
            Assert.Contains("\"joined\"", await ReceiveTextAsync(socket), StringComparison.Ordinal);
            return new CrowdMember(socket);
        }

        private static async Task<string> ReceiveTextAsync(ClientWebSocket socket)
        {
            // Generous: the crowd joins while the other test assemblies load the same two cores.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var buffer = new byte[64 * 1024];
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
                length += result.Count;
            }
            while (!result.EndOfMessage);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }

        // Presence frames are many and small; only messages are kept, as text, to look for later.
        private async Task ReadAsync()
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var result = await _socket.ReceiveAsync(buffer.AsMemory(), _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                        break;
                    if (buffer.AsSpan(0, result.Count).IndexOf("\"type\":\"message\""u8) >= 0)
                        _received += Encoding.UTF8.GetString(buffer, 0, result.Count);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _reading;
            _socket.Abort();
            _socket.Dispose();
            _stop.Dispose();
        }
    }
}
