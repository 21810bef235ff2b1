using System.Collections;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActorChat.Host.Logging;

/// <summary>
/// Keeps bearer tokens out of every log at every level. A client that cannot set headers on a WebSocket sends its
/// token as <c>?access_token=</c>, and ASP.NET Core writes request URLs into its logs (at Information, "Request
/// starting ..."): every logger of the application is wrapped so that such a value is replaced before any provider
/// sees the message or its structured values.
/// </summary>
public static partial class TokenRedaction
{
    private const string Marker = "access_token=";

    /// <summary>Wraps the application's logger factory; provider filters and scopes work as before.</summary>
    public static IServiceCollection AddTokenRedaction(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(provider =>
            new RedactingLoggerFactory(ActivatorUtilities.CreateInstance<LoggerFactory>(provider))));
        return services;
    }

    /// <summary>The text with the value of every <c>access_token</c> parameter replaced.</summary>
    public static string Redact(string text) =>
        text.Contains(Marker, StringComparison.OrdinalIgnoreCase) ? TokenValue().Replace(text, "${name}[redacted]") : text;

    [GeneratedRegex(@"(?<name>access_token=)[^&\s""'#]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenValue();

    private sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
                return;
            var message = formatter(state, exception);
            var values = state as IReadOnlyList<KeyValuePair<string, object?>>;
            if (!Mentions(message) && (values is null || !values.Any(value => Mentions(value.Value?.ToString()))))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            inner.Log(logLevel, eventId, new RedactedState(Redact(message), values), exception, static (redacted, _) => redacted.Message);
        }

    }

    private static bool Mentions(string? text) => text is not null && text.Contains(Marker, StringComparison.OrdinalIgnoreCase);

    /// <summary>A log entry's message and structured values, each with its tokens replaced.</summary>
    private sealed class RedactedState(string message, IReadOnlyList<KeyValuePair<string, object?>>? values)
        : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?>[] _values = values is null
            ? [new("{OriginalFormat}", message)]
            : [.. values.Select(value => new KeyValuePair<string, object?>(value.Key, value.Value switch
            {
                string text => Redact(text),
                { } other when Mentions(other.ToString()) => Redact(other.ToString()!),
                var other => other,
            }))];

        public string Message { get; } = message;

        public KeyValuePair<string, object?> this[int index] => _values[index];

        public int Count => _values.Length;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }
}
