using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Cluster.Tests;

/// <summary>Accounts and sockets against any node of a cluster.</summary>
public static class ClusterClients
{
    public const string Password = "cluster password";

    /// <summary>
    /// Registers as a client would: an account whose shard is still being placed (a cluster just formed, on a busy
    /// machine) answers 503, which means "retry", until it is.
    /// </summary>
    public static async Task RegisterAsync(ClusterNode node, string username)
    {
        var registered = await Eventually.Value(() => node.Http.PostAsJsonAsync("/api/register", new { username, password = Password }),
            response => response.StatusCode != HttpStatusCode.ServiceUnavailable, every: TimeSpan.FromMilliseconds(250));
        Assert.True(registered.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"register: {registered.StatusCode}");
    }

    /// <summary>
    /// Signs in and connects as a client with backoff would while the cluster recovers from a lost node: an
    /// account whose node is gone answers 503 until the cluster moved it.
    /// </summary>
    public static Task<ChatClient> ReconnectAsync(ClusterNode node, string username, TimeSpan within) =>
        ReconnectAsync(node.Http, node.SocketAddress, username, within);

    /// <summary>The same through any front (a load balancer): <paramref name="http"/> for sign-in, <paramref name="socket"/> for the socket.</summary>
    public static async Task<ChatClient> ReconnectAsync(HttpClient http, Uri socket, string username, TimeSpan within)
    {
        var login = await Eventually.Value(() => http.PostAsJsonAsync("/api/login", new { username, password = Password }),
            response => response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway), within, TimeSpan.FromMilliseconds(250));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        var client = await ChatClient.ConnectAsync(socket, token);
        await client.ExpectAsync("welcome");
        return client;
    }

    /// <summary>
    /// Signs in on <paramref name="node"/> and opens a socket there, past its welcome frame; like registering, it
    /// retries while the account answers 503.
    /// </summary>
    public static Task<ChatClient> ConnectAsync(ClusterNode node, string username) =>
        ReconnectAsync(node, username, TimeSpan.FromSeconds(30));
}
