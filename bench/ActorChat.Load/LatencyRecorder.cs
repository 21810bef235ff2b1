using System.Diagnostics;
using HdrHistogram;

namespace ActorChat.Load;

/// <summary>A latency histogram in microseconds (HdrHistogram, 3 significant digits, up to an hour), safe to record into from many threads.</summary>
internal sealed class LatencyRecorder
{
    private const long Highest = 3_600_000_000;
    private static readonly double MicrosPerTick = 1_000_000.0 / Stopwatch.Frequency;
    private readonly LongConcurrentHistogram _histogram = new(1, Highest, 3);

    public void RecordTicks(long stopwatchTicks) =>
        _histogram.RecordValue((long)Math.Clamp(stopwatchTicks * MicrosPerTick, 0, Highest));

    /// <summary>Percentiles in milliseconds; read once recording has stopped.</summary>
    public LatencySummary Summary()
    {
        var count = _histogram.TotalCount;
        if (count == 0)
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
        return new LatencySummary(count, Ms(_histogram.GetValueAtPercentile(50)), Ms(_histogram.GetValueAtPercentile(90)),
            Ms(_histogram.GetValueAtPercentile(99)), Ms(_histogram.GetValueAtPercentile(99.9)), Ms(_histogram.GetMaxValue()),
            Math.Round(_histogram.GetMean() / 1000, 3));

        static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
    }
}

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double Max, double Mean);
