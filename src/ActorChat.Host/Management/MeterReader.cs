using System.Diagnostics;
using System.Text;
using OpenTelemetry.Metrics;

namespace ActorChat.Host.Management;

/// <summary>
/// Reads this node's meters as <c>GET /metrics</c> serves them: through the same Prometheus exporter, in process.
/// The exporter reads what its instruments have already aggregated, so a reading adds no work to what they count.
/// </summary>
public sealed class MeterReader
{
    private readonly IServiceProvider _services;
    private readonly RequestDelegate _scrape;

    public MeterReader(IServiceProvider services, MeterProvider meters)
    {
        _services = services;
        _scrape = new ApplicationBuilder(services)
            .UseOpenTelemetryPrometheusScrapingEndpoint(meters, predicate: _ => true, path: null, configureBranchedPipeline: null, optionsName: null)
            .Build();
    }

    /// <summary>Reads the meters of the chat application of <paramref name="services"/>; null when it collects no metrics.</summary>
    public static Func<Task<MeterReading>>? For(IServiceProvider services) =>
        services.GetRequiredService<ManagementSettings>().Enabled
            ? new MeterReader(services, services.GetRequiredService<MeterProvider>()).ReadAsync
            : null;

    /// <exception cref="InvalidOperationException">The exporter failed to collect.</exception>
    public async Task<MeterReading> ReadAsync()
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = HttpMethods.Get;
        using var body = new MemoryStream();
        context.Response.Body = body;
        await _scrape(context);
        var at = Stopwatch.GetTimestamp();
        if (context.Response.StatusCode != StatusCodes.Status200OK)
            throw new InvalidOperationException($"the Prometheus exporter answered {context.Response.StatusCode}");
        return MeterReading.Parse(Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length), at);
    }
}
