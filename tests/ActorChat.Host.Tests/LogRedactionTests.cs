using System.Collections.Concurrent;
using System.Net.WebSockets;
using ActorChat.Testing;
using Microsoft.Extensions.Logging;

namespace ActorChat.Host.Tests;

public sealed class LogRedactionTests
{
    /// <summary>Every entry as a provider would see it: the formatted message and each structured value.</summary>
    private sealed class Capture : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Entries.Enqueue(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var value in values)
                    Entries.Enqueue($"{value.Key}={value.Value}");
            }
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task A_token_in_a_url_never_reaches_a_log_even_at_trace_level()
    {
        var capture = new Capture();
        await using var server = await ChatServer.StartAsync(null, builder => builder.Logging.AddProvider(capture),
            "Logging:LogLevel:Default=Trace", "Logging:LogLevel:Microsoft=Trace", "Logging:LogLevel:Microsoft.AspNetCore=Trace");
        var token = await server.RegisterAndLoginAsync("quiet");

        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(new Uri(server.SocketAddress + "?access_token=" + Uri.EscapeDataString(token)), CancellationToken.None);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }
        await server.Http.GetAsync("/api/session?room=lobby&access_token=" + Uri.EscapeDataString(token));

        var logs = capture.Entries.ToArray();
        // The requests were logged, with their query strings, and the token's place says so.
        Assert.Contains(logs, entry => entry.Contains("access_token=[redacted]", StringComparison.Ordinal));
        Assert.Contains(logs, entry => entry.Contains("room=lobby&access_token=[redacted]", StringComparison.Ordinal));
        var signature = token[(token.IndexOf('.', StringComparison.Ordinal) + 1)..];
        Assert.DoesNotContain(logs, entry => entry.Contains(signature, StringComparison.Ordinal) || entry.Contains(Uri.EscapeDataString(token), StringComparison.Ordinal));
    }
}
