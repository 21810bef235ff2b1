using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Cluster.Tests;

/// <summary>Signing out on one node ends the session on every node, and stays in force while an account's node is lost.</summary>
public sealed class SessionClusterTests : IAsyncLifetime
{
    // Every sign-in here comes from one address.
    private static readonly string[] Settings = ["ActorChat:Auth:LoginAttemptsPerMinute=1000", "ActorChat:Auth:RegistrationsPerHour=1000",
        "ActorChat:Admin:Users:0=warden"];

    private readonly ThreeNodeCluster _cluster = new(Settings);

    private IReadOnlyList<ClusterNode> Nodes => _cluster.Nodes;

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private static async Task<string> LoginAsync(ClusterNode node, string username)
    {
        var login = await node.Http.PostAsJsonAsync("/api/login", new { username, password = ClusterClients.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task<HttpStatusCode> LogoutAsync(ClusterNode node, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/logout");
        request.Headers.Add("Authorization", "Bearer " + token);
        return (await node.Http.SendAsync(request)).StatusCode;
    }

    /// <summary>The HTTP status of a WebSocket upgrade with <paramref name="token"/>; 101 when it opened.</summary>
    private static async Task<HttpStatusCode> UpgradeAsync(ClusterNode node, string token)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(node.SocketAddress, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
        return socket.HttpStatusCode;
    }

    [Fact]
    public async Task Logout_or_a_suspension_on_one_node_closes_the_sockets_on_the_others_within_seconds()
    {
        await ClusterClients.RegisterAsync(Nodes[0], "roamer");
        var token = await LoginAsync(Nodes[0], "roamer");
        await using var onSecond = await ChatClient.ConnectAsync(Nodes[1].SocketAddress, token);
        await using var onThird = await ChatClient.ConnectAsync(Nodes[2].SocketAddress, token);
        await onSecond.ExpectAsync("welcome");
        await onThird.ExpectAsync("welcome");
        await onThird.ExpectNothingPendingAsync(); // registered with the account by now

        var started = DateTime.UtcNow;
        Assert.Equal(HttpStatusCode.NoContent, await LogoutAsync(Nodes[0], token));

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await onSecond.ExpectClosedAsync());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await onThird.ExpectClosedAsync());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), $"closed only after {DateTime.UtcNow - started}");
        Assert.Equal("signed out", onThird.CloseStatusDescription);
        foreach (var node in Nodes)
            Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(node, token));

        // An administrator on the first node suspends a user with sockets on the other two, and two sessions.
        await ClusterClients.RegisterAsync(Nodes[0], "warden");
        await ClusterClients.RegisterAsync(Nodes[0], "spammer");
        await using var warden = await ChatClient.ConnectAsync(Nodes[0].SocketAddress, await LoginAsync(Nodes[0], "warden"));
        await using var spamSecond = await ChatClient.ConnectAsync(Nodes[1].SocketAddress, await LoginAsync(Nodes[1], "spammer"));
        var other = await LoginAsync(Nodes[2], "spammer");
        await using var spamThird = await ChatClient.ConnectAsync(Nodes[2].SocketAddress, other);
        foreach (var client in new[] { warden, spamSecond, spamThird })
        {
            await client.ExpectAsync("welcome");
            await client.ExpectNothingPendingAsync();
        }

        started = DateTime.UtcNow;
        await warden.SendAsync(new { type = "suspend", id = "s1", user = "spammer", reason = "spam" });
        Assert.True((await warden.ExpectAsync("suspension")).GetProperty("suspended").GetBoolean());
        foreach (var client in new[] { spamSecond, spamThird })
        {
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ExpectClosedAsync());
            Assert.Equal("account suspended", client.CloseStatusDescription);
        }
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), $"closed only after {DateTime.UtcNow - started}");
        foreach (var node in Nodes)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(node, other));
            var login = await node.Http.PostAsJsonAsync("/api/login", new { username = "spammer", password = ClusterClients.Password });
            Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        }
    }

    [Fact]
    public async Task While_an_accounts_node_is_lost_a_signed_out_token_is_still_refused_and_a_valid_one_still_connects()
    {
        // Enough accounts that the node about to be lost hosts some of them.
        var users = Enumerable.Range(0, 12).Select(i => $"traveller{i}").ToArray();
        var (signedOut, valid) = (new Dictionary<string, string>(), new Dictionary<string, string>());
        foreach (var user in users)
        {
            await ClusterClients.RegisterAsync(Nodes[0], user);
            signedOut[user] = await LoginAsync(Nodes[0], user);
            valid[user] = await LoginAsync(Nodes[0], user);
            Assert.Equal(HttpStatusCode.NoContent, await LogoutAsync(Nodes[0], signedOut[user]));
        }
        // Every account published its sign-out; node 1 refuses each token at the upgrade once it has heard.
        foreach (var user in users)
            await Eventually.True(async () => await UpgradeAsync(Nodes[1], signedOut[user]) == HttpStatusCode.Unauthorized, $"node 1 hears that {user} signed out");

        Nodes[2].Kill();

        // Long before the cluster has moved the lost node's accounts (see FailoverTests), node 1 decides alone.
        var started = DateTime.UtcNow;
        foreach (var user in users)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(Nodes[1], signedOut[user]));
            await using var client = await ChatClient.ConnectAsync(Nodes[1].SocketAddress, valid[user]);
            await client.ExpectAsync("welcome");
        }
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), $"the checks took {DateTime.UtcNow - started}");
    }
}
