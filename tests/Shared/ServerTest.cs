namespace ActorChat.Testing;

/// <summary>A test class with a fresh server of its own for each test, started with the given settings.</summary>
public abstract class ServerTest(params string[] settings) : IAsyncLifetime
{
    protected ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(null, settings);

    /// <summary>Stops the server and starts it again on the same data, as after an operator's restart.</summary>
    /// <param name="whileStopped">Runs on the data directory while no server has it open.</param>
    protected async Task RestartAsync(Action<string>? whileStopped = null)
    {
        var dataDirectory = Server.DataDirectory;
        await Server.DisposeAsync();
        whileStopped?.Invoke(dataDirectory);
        Server = await ChatServer.StartAsync(dataDirectory, settings);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
