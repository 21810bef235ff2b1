using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>
/// The server behind a TLS-terminating reverse proxy. The tests connect from 127.0.0.1: listed in
/// <c>TrustedProxies</c> they play the proxy; unlisted they play a client forging the proxy's headers.
/// </summary>
public sealed class ProxyTests
{
    private const string TrustLoopback = "ActorChat:Proxy:TrustedProxies:0=127.0.0.1";
    private const string TrustAnotherNetwork = "ActorChat:Proxy:TrustedProxies:0=10.0.0.0/8";
    private const string TrustNobody = "";

    /// <summary>The server with one trust setting, or with none (the default: no proxy at all).</summary>
    private static Task<ChatServer> StartTrustingAsync(string trust, params string[] settings) =>
        ChatServer.StartAsync(null, trust.Length == 0 ? settings : [trust, .. settings]);

    private static async Task<HttpStatusCode> RegisterFromAsync(ChatServer server, string clientAddress, string username)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/register")
        {
            Content = JsonContent.Create(new { username, password = "correct horse" }),
        };
        request.Headers.Add("X-Forwarded-For", clientAddress);
        return (await server.Http.SendAsync(request)).StatusCode;
    }

    private static async Task<HttpResponseMessage> LoginFromAsync(ChatServer server, string clientAddress, string scheme = "http",
        string username = "nobody", string password = "wrong guess")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/login") { Content = JsonContent.Create(new { username, password }) };
        request.Headers.Add("X-Forwarded-For", clientAddress);
        request.Headers.Add("X-Forwarded-Proto", scheme);
        return await server.Http.SendAsync(request);
    }

    private static async Task<List<HttpStatusCode>> LoginStatusesAsync(ChatServer server)
    {
        // A budget of two a minute: two tries from one client, a third from it, then one from somebody else.
        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { "203.0.113.7", "203.0.113.7", "203.0.113.7", "198.51.100.20" })
            statuses.Add((await LoginFromAsync(server, client)).StatusCode);
        return statuses;
    }

    private static async Task<HttpStatusCode> UpgradeStatusAsync(ChatServer server, string token, string origin, string forwardedProto)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.SetRequestHeader("X-Forwarded-Proto", forwardedProto);
        socket.Options.SetRequestHeader("X-Forwarded-For", "203.0.113.7");
        try
        {
            await socket.ConnectAsync(server.SocketAddress, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
        return socket.HttpStatusCode;
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_client_has_its_own_login_budget_and_a_refusal_says_when_to_retry()
    {
        await using var server = await ChatServer.StartAsync(null, TrustLoopback, "ActorChat:Auth:LoginAttemptsPerMinute=2");

        var statuses = await LoginStatusesAsync(server);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.Unauthorized], statuses);
        var refused = await LoginFromAsync(server, "203.0.113.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData(TrustNobody)]
    [InlineData(TrustAnotherNetwork)]
    public async Task From_an_address_that_is_not_a_trusted_proxy_forwarded_addresses_are_ignored_and_the_budget_is_the_connecting_addresses(string trust)
    {
        await using var server = await StartTrustingAsync(trust, "ActorChat:Auth:LoginAttemptsPerMinute=2");

        var statuses = await LoginStatusesAsync(server);

        // Whatever addresses it claims, a client cannot buy itself more attempts.
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Theory]
    [InlineData(TrustNobody, false)]
    [InlineData(TrustAnotherNetwork, false)]
    [InlineData(TrustLoopback, true)]
    public async Task Registrations_are_counted_per_forwarded_client_only_behind_a_trusted_proxy(string trust, bool trusted)
    {
        await using var server = await StartTrustingAsync(trust, "ActorChat:Auth:RegistrationsPerHour=2");

        // One client rotating the address it claims, then a second real client behind the same proxy.
        var statuses = new List<HttpStatusCode>();
        var claimed = new[] { "203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4" };
        for (var i = 0; i < claimed.Length; i++)
            statuses.Add(await RegisterFromAsync(server, claimed[i], $"rotating_{i}"));

        HttpStatusCode[] expected = trusted
            ? [HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created]
            : [HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests];
        Assert.Equal(expected, statuses);
    }

    [Theory]
    [InlineData(TrustNobody, false)]
    [InlineData(TrustAnotherNetwork, false)]
    [InlineData(TrustLoopback, true)]
    public async Task Only_from_a_trusted_tls_proxy_is_the_cookie_secure_and_the_pages_https_origin_allowed_to_open_a_socket(
        string trust, bool trusted)
    {
        await using var server = await StartTrustingAsync(trust);
        var token = await server.RegisterAndLoginAsync("behind_tls");

        var login = await LoginFromAsync(server, "203.0.113.7", "https", "behind_tls", "correct horse");
        var cookies = login.Headers.GetValues("Set-Cookie").ToList();
        var https = await UpgradeStatusAsync(server, token, $"https://{server.Address.Authority}", "https");
        var http = await UpgradeStatusAsync(server, token, $"http://{server.Address.Authority}", "https");

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(2, cookies.Count);
        Assert.All(cookies, cookie => Assert.Equal(trusted, cookie.Split(';').Select(part => part.Trim().ToLowerInvariant()).Contains("secure")));
        // Behind the proxy the page is https; a forged header from anyone else changes nothing.
        Assert.Equal(trusted ? HttpStatusCode.SwitchingProtocols : HttpStatusCode.Forbidden, https);
        Assert.Equal(trusted ? HttpStatusCode.Forbidden : HttpStatusCode.SwitchingProtocols, http);
    }

    [Fact]
    public async Task A_trusted_proxy_that_is_neither_an_address_nor_a_network_stops_the_server_from_starting()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ChatServer.StartAsync(null, "ActorChat:Proxy:TrustedProxies:0=proxy.internal"));

        Assert.Contains("ActorChat:Proxy:TrustedProxies", error.Message, StringComparison.Ordinal);
    }
}

public sealed class ClusterSettingsTests
{
    [Theory]
    [InlineData(true, "akka.tcp://actorchat@127.0.0.1:2551", "akka.ssl.tcp://")]
    [InlineData(false, "akka.ssl.tcp://actorchat@127.0.0.1:2551", "akka.tcp://")]
    public async Task A_seed_node_of_the_other_transport_is_refused_at_start_up(bool tls, string seed, string expected)
    {
        string[] settings = tls
            ? [$"ActorChat:Cluster:SeedNodes:0={seed}", "ActorChat:Cluster:TlsCertificatePath=node.pfx", "ActorChat:Cluster:TlsCaPath=ca.pem"]
            : [$"ActorChat:Cluster:SeedNodes:0={seed}"];

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ChatServer.StartAsync(null, settings));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}

/// <summary>
/// The origin check compares a page's origin with the request's own host: <c>AllowedHosts</c> names the hosts the
/// server answers for, so that a name rebound to the server's address cannot pose as its own origin.
/// </summary>
public sealed class AllowedHostsTests
{
    private static async Task<HttpStatusCode> StatusForHostAsync(ChatServer server, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Host = host;
        return (await server.Http.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task With_allowed_hosts_set_a_request_for_any_other_host_is_refused_before_it_reaches_the_origin_check()
    {
        await using var server = await ChatServer.StartAsync(null, "AllowedHosts=chat.example;127.0.0.1");

        Assert.Equal(HttpStatusCode.OK, await StatusForHostAsync(server, "chat.example"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusForHostAsync(server, "rebound.evil.example"));
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Host", $"rebound.evil.example:{server.Address.Port}");
        socket.Options.SetRequestHeader("Origin", $"http://rebound.evil.example:{server.Address.Port}");
        socket.Options.SetRequestHeader("Authorization", "Bearer " + await server.RegisterAndLoginAsync("rebound"));
        await Assert.ThrowsAnyAsync<WebSocketException>(() => socket.ConnectAsync(server.SocketAddress, CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }
}
