using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class DeadPeerTests
{
    [Fact]
    public async Task A_peer_that_stops_answering_pings_is_dropped_and_leaves_its_rooms()
    {
        await using var server = await ChatServer.StartAsync(null,
            "ActorChat:Connections:KeepAliveInterval=00:00:01", "ActorChat:Connections:KeepAliveTimeout=00:00:02");
        // Signed up first: the watcher answers pings only while it reads, and a slow password hash must not keep it
        // from reading for longer than the timeout.
        var vanishedToken = await server.RegisterAndLoginAsync("vanished");
        await using var watcher = await server.ConnectAsync("watcher");
        await watcher.JoinAsync("vigil");

        // A client whose network vanished: it joins, then never reads again, so it never answers a ping.
        using var vanished = await OpenSilentSocketAsync(server, vanishedToken, """{"type":"join","room":"vigil"}""");
        var joined = await watcher.ExpectAsync("presence");
        Assert.Equal(("vanished", "join"), (joined.GetProperty("user").GetString(), joined.GetProperty("event").GetString()));

        var left = await watcher.ExpectAsync("presence");
        Assert.Equal(("vanished", "leave"), (left.GetProperty("user").GetString(), left.GetProperty("event").GetString()));
    }

    /// <summary>A client that joins and then never reads again, so nothing answers the server's pings.</summary>
    private static async Task<RawWebSocket> OpenSilentSocketAsync(ChatServer server, string token, string frame)
    {
        var socket = await RawWebSocket.OpenAsync(server, token);
        await socket.SendTextAsync(frame);
        return socket;
    }
}
