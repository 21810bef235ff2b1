using System.Globalization;

namespace ActorChat.Host.Management;

/// <summary>
/// One reading of this node's meters in the Prometheus text format, as <c>GET /metrics</c> serves it: each sample's
/// value by metric name (summed over label sets), and each histogram's cumulative buckets.
/// </summary>
/// <param name="at">When it was taken, as a <see cref="System.Diagnostics.Stopwatch"/> timestamp.</param>
public sealed class MeterReading(long at)
{
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedList<double, double>> _buckets = new(StringComparer.Ordinal);

    public long At { get; } = at;

    /// <summary>The sample's value, 0 when the reading has none of that name.</summary>
    public double Value(string name) => _values.GetValueOrDefault(name);

    /// <summary>The cumulative count of each bucket of histogram <paramref name="name"/>, by upper bound (+Inf last).</summary>
    public IReadOnlyList<(double Bound, double Count)> Buckets(string name) =>
        _buckets.TryGetValue(name, out var buckets) ? [.. buckets.Select(b => (b.Key, b.Value))] : [];

    public static MeterReading Parse(string text, long at)
    {
        var reading = new MeterReading(at);
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.IsEmpty || line[0] == '#')
                continue;
            var nameEnd = line.IndexOfAny('{', ' ');
            if (nameEnd <= 0)
                continue;
            var name = line[..nameEnd].ToString();
            var labels = ReadOnlySpan<char>.Empty;
            var rest = line[nameEnd..];
            if (rest[0] == '{')
            {
                var close = rest.LastIndexOf('}');
                if (close < 0)
                    continue;
                labels = rest[1..close];
                rest = rest[(close + 1)..];
            }
            rest = rest.TrimStart(' ');
            var valueEnd = rest.IndexOf(' '); // a timestamp may follow the value
            if (!double.TryParse(valueEnd < 0 ? rest : rest[..valueEnd], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                continue;
            reading._values[name] = reading._values.GetValueOrDefault(name) + value;
            if (name.EndsWith("_bucket", StringComparison.Ordinal) && Bound(labels) is { } bound)
            {
                var histogram = name[..^"_bucket".Length];
                if (!reading._buckets.TryGetValue(histogram, out var buckets))
                    reading._buckets[histogram] = buckets = [];
                buckets[bound] = buckets.GetValueOrDefault(bound) + value;
            }
        }
        return reading;
    }

    // The le="..." label of a histogram bucket.
    private static double? Bound(ReadOnlySpan<char> labels)
    {
        var start = labels.IndexOf("le=\"", StringComparison.Ordinal);
        while (start > 0 && labels[start - 1] != ',')
        {
            var next = labels[(start + 1)..].IndexOf("le=\"", StringComparison.Ordinal);
            start = next < 0 ? -1 : start + 1 + next;
        }
        if (start < 0)
            return null;
        var value = labels[(start + 4)..];
        var end = value.IndexOf('"');
        if (end < 0)
            return null;
        value = value[..end];
        if (value.SequenceEqual("+Inf"))
            return double.PositiveInfinity;
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound) ? bound : null;
    }
}
