using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task A_restart_on_the_same_data_keeps_accounts_history_numbering_and_read_markers()
    {
        string dataDirectory;
        await using (var before = await ChatServer.StartAsync())
        {
            dataDirectory = before.DataDirectory;
            await using var alice = await before.ConnectAsync("Persistent_Pat");
            await using var bob = await before.ConnectAsync("reader_rob");
            await alice.JoinAsync("durable");
            await bob.JoinAsync("durable");
            await alice.ExpectAsync("presence");
            for (var i = 1; i <= 3; i++)
            {
                await alice.SendAsync(new { type = "send", room = "durable", id = $"d{i}", text = $"kept {i}" });
                await alice.ExpectAsync("ack");
                await bob.ExpectAsync("message");
            }
            await bob.SendAsync(new { type = "read", room = "durable", seq = 2 });
            await alice.ExpectAsync("read");
        }

        await using var after = await ChatServer.StartAsync(dataDirectory);
        var token = await after.LoginAsync("persistent_pat");
        await using var returning = await ChatClient.ConnectAsync(after.SocketAddress, token);
        Assert.Equal("Persistent_Pat", (await returning.ExpectAsync("welcome")).GetProperty("user").GetString());
        await using var rob = await ChatClient.ConnectAsync(after.SocketAddress, await after.LoginAsync("reader_rob"));
        await rob.ExpectAsync("welcome");
        await rob.JoinAsync("durable");

        var joined = await returning.JoinAsync("durable");
        Assert.Equal(3, joined.GetProperty("seq").GetInt64());
        Assert.Equal(["kept 1", "kept 2", "kept 3"], joined.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
        var read = await returning.ExpectAsync("read");
        Assert.Equal("reader_rob", read.GetProperty("user").GetString());
        Assert.Equal(2, read.GetProperty("seq").GetInt64());

        await returning.SendAsync(new { type = "send", room = "durable", id = "d1", text = "kept 1" });
        Assert.Equal(1, (await returning.ExpectAsync("ack")).GetProperty("seq").GetInt64());
        await returning.SendAsync(new { type = "send", room = "durable", id = "d4", text = "after restart" });
        Assert.Equal(4, (await returning.ExpectAsync("ack")).GetProperty("seq").GetInt64());
    }
}

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_server_closes_open_sockets_with_1001()
    {
        var server = await ChatServer.StartAsync();
        await using var client = await server.ConnectAsync("leaving_lou");
        await client.JoinAsync("goodbye");

        var stopping = server.DisposeAsync().AsTask();

        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, await client.ExpectClosedAsync());
        await stopping;
    }
}
