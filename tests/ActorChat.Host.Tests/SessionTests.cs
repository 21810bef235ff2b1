using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>Signing out over HTTP ends the session's tokens and sockets; renewal and connections have their bounds.</summary>
public sealed class SessionTests() : ServerTest("ActorChat:Connections:MaxConnectionsPerUser=3")
{
    private Task<HttpResponseMessage> PostAsync(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("Authorization", "Bearer " + token);
        request.Headers.Add("Origin", $"http://{Server.Address.Authority}");
        return Server.Http.SendAsync(request);
    }

    private async Task<(HttpStatusCode Status, string? Token, DateTimeOffset? ExpiresAt)> RenewAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/session");
        request.Headers.Add("Authorization", "Bearer " + token);
        var response = await Server.Http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
            return (response.StatusCode, null, null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body.GetProperty("token").GetString(),
            DateTimeOffset.Parse(body.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<ChatClient> ConnectAsync(string token)
    {
        var client = await ChatClient.ConnectAsync(Server.SocketAddress, token);
        await client.ExpectAsync("welcome");
        return client;
    }

    private async Task<HttpStatusCode> UpgradeStatusAsync(string token)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(Server.SocketAddress, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
        return socket.HttpStatusCode;
    }

    [Fact]
    public async Task Logout_ends_its_session_everywhere_copies_and_renewals_included_and_leaves_other_sign_ins_alone()
    {
        var token = await Server.RegisterAndLoginAsync("leaver");
        var (_, renewed, _) = await RenewAsync(token);
        var otherDevice = await Server.LoginAsync("leaver");
        await using var tab = await ConnectAsync(token);
        await using var renewedTab = await ConnectAsync(renewed!);
        await using var phone = await ConnectAsync(otherDevice);

        var logout = await PostAsync("/api/logout", token);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        foreach (var socket in new[] { tab, renewedTab })
        {
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ExpectClosedAsync());
            Assert.Equal("signed out", socket.CloseStatusDescription);
        }
        // A copy of the token, or of its renewal, is refused over HTTP and at the upgrade.
        Assert.Equal(HttpStatusCode.Unauthorized, (await RenewAsync(token)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RenewAsync(renewed!)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeStatusAsync(token));
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("/api/logout-everywhere", renewed!)).StatusCode);
        // The other sign-in carries on.
        await phone.ExpectNothingPendingAsync();
        Assert.Equal(HttpStatusCode.OK, (await RenewAsync(otherDevice)).Status);
    }

    [Fact]
    public async Task Sign_out_everywhere_closes_every_device_and_refuses_every_earlier_sign_in_but_not_a_later_one()
    {
        var laptop = await Server.RegisterAndLoginAsync("careful");
        var phone = await Server.LoginAsync("careful");
        await using var laptopSocket = await ConnectAsync(laptop);
        await using var phoneSocket = await ConnectAsync(phone);

        var response = await PostAsync("/api/logout-everywhere", laptop);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("actorchat_auth=;", StringComparison.Ordinal));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await laptopSocket.ExpectClosedAsync());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await phoneSocket.ExpectClosedAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await RenewAsync(phone)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeStatusAsync(laptop));
        var later = await Server.LoginAsync("careful");
        await using var again = await ConnectAsync(later);
        await again.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task A_user_past_the_connection_limit_is_upgraded_then_closed_with_1008_and_a_closed_socket_frees_its_place()
    {
        var token = await Server.RegisterAndLoginAsync("tabby");
        var open = new List<ChatClient>();
        for (var i = 0; i < 3; i++)
            open.Add(await ConnectAsync(token));

        await using var fourth = await ChatClient.ConnectAsync(Server.SocketAddress, token);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await fourth.ExpectClosedAsync());
        Assert.Equal("too many connections for this user", fourth.CloseStatusDescription);
        foreach (var client in open)
            await client.ExpectNothingPendingAsync();
        await open[0].DisposeAsync();
        // The account hears of the closed socket a moment later.
        await Eventually.True(async () =>
        {
            await using var next = await ChatClient.ConnectAsync(Server.SocketAddress, token);
            await next.ExpectAsync("welcome");
            await next.SendAsync(new { type = "ping" });
            return await next.ReceiveAsync() is not null;
        }, "the closed socket's place is freed", TimeSpan.FromSeconds(10));
        foreach (var client in open.Skip(1))
            await client.DisposeAsync();
    }
}

/// <summary>Renewal is bounded by the session's maximum age from the sign-in.</summary>
public sealed class SessionAgeTests() : ServerTest("ActorChat:Auth:TokenLifetime=00:10:00", "ActorChat:Auth:MaxSessionAge=00:10:00")
{
    [Fact]
    public async Task Renewal_never_extends_a_session_past_its_maximum_age_from_the_sign_in()
    {
        await Server.Http.PostAsJsonAsync("/api/register", new { username = "renewer", password = "correct horse" });
        var login = await Server.Http.PostAsJsonAsync("/api/login", new { username = "renewer", password = "correct horse" });
        var signedIn = await login.Content.ReadFromJsonAsync<JsonElement>();
        await Task.Delay(50); // renewed a moment later, when a new lifetime would end later than the session

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/session");
        request.Headers.Add("Authorization", "Bearer " + signedIn.GetProperty("token").GetString());
        var renewal = await Server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, renewal.StatusCode);
        var renewed = await renewal.Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual(signedIn.GetProperty("token").GetString(), renewed.GetProperty("token").GetString());
        Assert.Equal(signedIn.GetProperty("expiresAt").GetString(), renewed.GetProperty("expiresAt").GetString());
    }
}
