namespace ActorChat.Testing;

/// <summary>A test class with a fresh server of its own for each test, started with the given settings.</summary>
public abstract class ServerTest(params string[] settings) : IAsyncLifetime
{
    protected ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(null, settings);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
