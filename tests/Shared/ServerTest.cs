namespace ActorChat.Testing;

/// <summary>A test class with a fresh server of its own for each test, started with the given settings.</summary>
public abstract class ServerTest(params string[] settings) : IAsyncLifetime
{
    protected ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(null, settings);

    /// <summary>Stops the server and starts it again on the same data, as after an operator's restart.</summary>
    protected async Task RestartAsync()
    {
        var dataDirectory = Server.DataDirectory;
        await Server.DisposeAsync();
        Server = await ChatServer.StartAsync(dataDirectory, settings);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
