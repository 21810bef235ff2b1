using System.Net;
using ActorChat.Host;
using ActorChat.Host.Management;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ActorChat.Testing;

/// <summary>The real ActorChat app on Kestrel at 127.0.0.1 on a free port, with its SQLite file in a folder of its own.</summary>
public sealed class ChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ChatServer(WebApplication app, Uri address, Uri? managementAddress, string dataDirectory)
    {
        _app = app;
        Address = address;
        ManagementAddress = managementAddress;
        DataDirectory = dataDirectory;
        Http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = address };
    }

    public Uri Address { get; }

    /// <summary>
    /// The management listener (metrics, room locations), when the test turned it on, e.g. with
    /// <c>ActorChat:Management:Urls=http://127.0.0.1:0</c> for a free port; null otherwise.
    /// </summary>
    public Uri? ManagementAddress { get; }

    /// <summary>The application's services, for a test that needs to look inside (its actor system, say).</summary>
    public IServiceProvider Services => _app.Services;

    public string DataDirectory { get; }

    public HttpClient Http { get; }

    public static Task<ChatServer> StartAsync(string? dataDirectory = null, params string[] settings) =>
        StartAsync(dataDirectory, configure: null, settings);

    /// <param name="configure">Runs on the app's builder before it is built (to add a logger provider, say).</param>
    public static async Task<ChatServer> StartAsync(string? dataDirectory, Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "actorchat-tests", Guid.NewGuid().ToString("N"));
        var args = new[]
        {
            "--urls=http://127.0.0.1:0",
            $"--ActorChat:Storage:DataDirectory={dataDirectory}",
            "--ActorChat:Auth:LoginAttemptsPerMinute=1000",
            "--ActorChat:Auth:RegistrationsPerHour=1000",
            "--ActorChat:Connections:FrameBurst=1000",
            // Hundreds of users are registered and signed in: at the default cost their hashes alone would take minutes.
            $"--ActorChat:Auth:PasswordHashIterations={ActorChat.Accounts.PasswordHasher.MinIterations}",
            "--Logging:LogLevel:Default=Warning",
            // Off unless a test asks for it: servers running side by side would all want the same default port.
            "--ActorChat:Management:Urls=",
        }.Concat(settings.Select(s => "--" + s)).ToArray();
        var app = ChatApp.Create(args, configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var management = app.Services.GetRequiredService<ManagementServer>().Addresses;
        return new ChatServer(app, new Uri(address), management.Count > 0 ? new Uri(management[0]) : null, dataDirectory);
    }

    public Uri SocketAddress => new UriBuilder(Address) { Scheme = "ws", Path = "/ws" }.Uri;

    public async Task<string> RegisterAndLoginAsync(string username, string password = "correct horse")
    {
        var registered = await Http.PostAsJsonAsync("/api/register", new { username, password });
        Assert.True(registered.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"register: {registered.StatusCode}");
        return await LoginAsync(username, password);
    }

    public async Task<string> LoginAsync(string username, string password = "correct horse")
    {
        var login = await Http.PostAsJsonAsync("/api/login", new { username, password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var body = await login.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("token").GetString()!;
    }

    /// <summary>A signed-in user's connection, after its welcome frame.</summary>
    public async Task<ChatClient> ConnectAsync(string username)
    {
        var token = await RegisterAndLoginAsync(username);
        var client = await ChatClient.ConnectAsync(SocketAddress, token);
        await client.ExpectAsync("welcome");
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
