using System.Net;
using System.Net.WebSockets;

using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class SocketHandshakeTests : ServerTest
{
    private async Task<HttpStatusCode> UpgradeStatusAsync(Action<ClientWebSocketOptions> configure, Uri? address = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure(socket.Options);
        try
        {
            await socket.ConnectAsync(address ?? Server.SocketAddress, CancellationToken.None);
            return socket.HttpStatusCode;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    [Fact]
    public async Task Without_a_valid_credential_the_upgrade_is_refused_with_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeStatusAsync(_ => { }));
        Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeStatusAsync(o => o.SetRequestHeader("Authorization", "Bearer forged.token")));
    }

    [Fact]
    public async Task A_foreign_origin_is_refused_with_403_and_the_own_origin_is_accepted()
    {
        var token = await Server.RegisterAndLoginAsync("origin_user");

        var foreign = await UpgradeStatusAsync(o =>
        {
            o.SetRequestHeader("Authorization", "Bearer " + token);
            o.SetRequestHeader("Origin", "http://evil.example");
        });
        var own = await UpgradeStatusAsync(o =>
        {
            o.SetRequestHeader("Authorization", "Bearer " + token);
            o.SetRequestHeader("Origin", $"http://{Server.Address.Authority}");
        });

        Assert.Equal(HttpStatusCode.Forbidden, foreign);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, own);
    }

    [Fact]
    public async Task The_token_is_accepted_from_the_header_the_query_and_the_cookie_and_welcome_comes_first()
    {
        var token = await Server.RegisterAndLoginAsync("Tokens_User");
        var byQuery = new UriBuilder(Server.SocketAddress) { Query = "access_token=" + Uri.EscapeDataString(token) }.Uri;
        var viaCookie = new CookieContainer();
        viaCookie.Add(Server.Address, new Cookie("actorchat_auth", token));

        foreach (var (configure, address) in new (Action<ClientWebSocketOptions>, Uri?)[]
                 {
                     (o => o.SetRequestHeader("Authorization", "Bearer " + token), null),
                     (_ => { }, byQuery),
                     (o => o.Cookies = viaCookie, null),
                 })
        {
            using var socket = new ClientWebSocket();
            configure(socket.Options);
            await socket.ConnectAsync(address ?? Server.SocketAddress, CancellationToken.None);
            var buffer = new byte[4096];
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            var welcome = System.Text.Json.JsonDocument.Parse(buffer.AsMemory(0, result.Count)).RootElement;
            Assert.Equal("welcome", welcome.GetProperty("type").GetString());
            Assert.Equal("Tokens_User", welcome.GetProperty("user").GetString());
            Assert.False(string.IsNullOrEmpty(welcome.GetProperty("session").GetString()));
        }
    }

    [Fact]
    public async Task Each_connection_of_a_user_gets_its_own_session()
    {
        await using var first = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.RegisterAndLoginAsync("two_tabs"));
        var firstWelcome = await first.ExpectAsync("welcome");
        await using var second = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.LoginAsync("two_tabs"));
        var secondWelcome = await second.ExpectAsync("welcome");
        await first.ExpectNothingPendingAsync();

        Assert.Equal("two_tabs", firstWelcome.GetProperty("user").GetString());
        Assert.Equal("two_tabs", secondWelcome.GetProperty("user").GetString());
        Assert.NotEqual(firstWelcome.GetProperty("session").GetString(), secondWelcome.GetProperty("session").GetString());
    }
}
