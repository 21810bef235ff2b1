using System.Net;
using ActorChat.Host;
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

    private ChatServer(WebApplication app, Uri address, string dataDirectory)
    {
        _app = app;
        Address = address;
        DataDirectory = dataDirectory;
        Http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = address };
    }

    public Uri Address { get; }

    public string DataDirectory { get; }

    public HttpClient Http { get; }

    public static async Task<ChatServer> StartAsync(string? dataDirectory = null, params string[] settings)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "actorchat-tests", Guid.NewGuid().ToString("N"));
        var args = new[]
        {
            "--urls=http://127.0.0.1:0",
            $"--ActorChat:Storage:DataDirectory={dataDirectory}",
            "--ActorChat:Auth:LoginAttemptsPerMinute=1000",
            "--ActorChat:Connections:FrameBurst=1000",
            "--Logging:LogLevel:Default=Warning",
        }.Concat(settings.Select(s => "--" + s)).ToArray();
        var app = ChatApp.Create(args);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ChatServer(app, new Uri(address), dataDirectory);
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
