using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorChat.Load;

/// <summary>The outcome of a run: the figures, and the checks that decide pass or fail. Serialized as the JSON report.</summary>
internal sealed record Report(
    string Scenario,
    string Url,
    DateTimeOffset StartedAt,
    RunShape Shape,
    ConnectFigures Connections,
    MessageFigures Messages,
    CloseFigures Closes,
    ErrorFigures Errors,
    LatencyFigures LatencyMs,
    ClientFigures Client,
    bool Interrupted,
    IReadOnlyList<Check> Checks)
{
    /// <summary>With <c>--reconnect</c>: the sockets lost and how soon their connections were back; null without.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ReconnectFigures? Reconnects { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public bool Passed => Checks.All(c => c.Passed);

    public static Report Create(LoadOptions options, DateTimeOffset startedAt, ConnectFigures connections, Tally tally, RunStats stats,
        ClientFigures client, bool interrupted)
    {
        var seconds = options.Duration.TotalSeconds;
        var messages = new MessageFigures(tally.Scheduled, tally.Sent, tally.Scheduled - tally.Sent, tally.Acked, tally.Sent - tally.Acked,
            tally.Expected, tally.Delivered, tally.Lost, tally.Duplicates, tally.OutOfOrder, tally.DuplicateAcks, stats.Foreign,
            Math.Round(tally.Sent / seconds, 1), Math.Round(tally.Delivered / seconds, 1));
        var closes = new CloseFigures(stats.SlowConsumerCloses, stats.OtherCloses, stats.CloseCodes);
        var errors = new ErrorFigures(stats.Errors, stats.ErrorKinds, stats.ErrorSamples);
        var latency = new LatencyFigures(stats.DeliveryFromSchedule.Summary(), stats.DeliveryFromSend.Summary(),
            stats.AckFromSend.Summary(), stats.SendLag.Summary());
        var shape = new RunShape(options.Connections, options.Users, options.Rooms, options.Senders, options.Rate,
            options.Warmup.TotalSeconds, options.Duration.TotalSeconds, options.ConnectConcurrency);
        var reconnects = options.Reconnect
            ? new ReconnectFigures(stats.Drops, stats.Reconnects, stats.ReconnectAttempts, stats.NotBackCount, stats.ResentCount,
                stats.UnavailableCount, options.BackWithin.TotalSeconds, stats.TimeBack.Summary())
            : null;
        Check[] checks = [.. Judge(connections, messages, closes, errors, interrupted), .. reconnects is null ? [] : Judge(reconnects)];
        return new Report(options.Scenario, options.SocketUri.ToString(), startedAt, shape, connections, messages, closes, errors,
            latency, client, interrupted, checks) { Reconnects = reconnects };
    }

    public async Task WriteJsonAsync(string path)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, this, Json);
    }

    private static Check[] Judge(ConnectFigures connections, MessageFigures m, CloseFigures closes, ErrorFigures errors, bool interrupted) =>
    [
        new("ran to the end", !interrupted, interrupted ? "interrupted" : "yes"),
        new("every connection opened and joined", connections.Failed == 0, $"{connections.Opened} of {connections.Planned}"),
        new("no slow-consumer closes (1013)", closes.SlowConsumer1013 == 0, $"{closes.SlowConsumer1013}"),
        new("no other closes by the server", closes.Other == 0, closes.Other == 0 ? "0" : $"{closes.Other} ({Codes(closes.ByCode)})"),
        new("no errors", errors.Count == 0, errors.Count == 0 ? "0" : $"{errors.Count} ({Codes(errors.ByKind)})"),
        new("every scheduled message sent", m.Unsent == 0, $"{m.Sent} of {m.Scheduled}"),
        new("every sent message acked", m.Unacked == 0, $"{m.Acked} of {m.Sent}"),
        new("no lost messages", m.Lost == 0 && m.Expected > 0, $"{m.Delivered} of {m.Expected} delivered, {m.Lost} lost"),
        new("no duplicates, none out of order", m.Duplicates == 0 && m.OutOfOrder == 0 && m.DuplicateAcks == 0,
            $"{m.Duplicates} duplicates, {m.OutOfOrder} out of order, {m.DuplicateAcks} repeated acks"),
    ];

    private static Check[] Judge(ReconnectFigures r) =>
    [
        new("every lost connection came back", r.NotBack == 0, $"{r.Reconnects} of {r.Drops} back, {r.NotBack} not"),
        new($"every connection back within {r.BackWithinSeconds:0.#} s", r.NotBack == 0 && r.TimeBackMs.Max <= r.BackWithinSeconds * 1000,
            r.Reconnects == 0 ? "none lost" : $"longest away {r.TimeBackMs.Max / 1000:0.00} s"),
        new("no send answered unavailable", r.Unavailable == 0, $"{r.Unavailable}"),
    ];

    private static string Codes(IReadOnlyDictionary<string, int> counts) => string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}"));
}

internal sealed record RunShape(int Connections, int Users, int Rooms, int Senders, double RatePerSender, double WarmupSeconds,
    double DurationSeconds, int ConnectConcurrency);

/// <summary>Opening and joining the connections; <see cref="Seconds"/> is the wall time for all of them.</summary>
internal sealed record ConnectFigures(int Planned, int Opened, int Failed, double Seconds, LatencySummary EachMs,
    IReadOnlyList<string> FailureSamples);

/// <summary>Counts of the measured window (warm-up messages are sent but not counted).</summary>
internal sealed record MessageFigures(long Scheduled, long Sent, long Unsent, long Acked, long Unacked, long Expected, long Delivered,
    long Lost, long Duplicates, long OutOfOrder, long DuplicateAcks, long ForeignIgnored, double SentPerSecond, double DeliveredPerSecond);

internal sealed record CloseFigures(int SlowConsumer1013, int Other, IReadOnlyDictionary<string, int> ByCode);

/// <summary>Errors by kind (<c>error:&lt;code&gt;</c> for error frames); <see cref="Samples"/> are the first problems verbatim, closes included.</summary>
internal sealed record ErrorFigures(int Count, IReadOnlyDictionary<string, int> ByKind, IReadOnlyList<string> Samples);

/// <summary>
/// Latencies of the measured messages: delivery from the scheduled time (includes any lateness of the sender,
/// so a backlog shows) and from the actual send, the ack from the actual send, and the send lag (schedule to send).
/// </summary>
internal sealed record LatencyFigures(LatencySummary DeliveryFromSchedule, LatencySummary DeliveryFromSend, LatencySummary AckFromSend,
    LatencySummary SendLag);

/// <summary>
/// The load client itself, to tell whether it was the bottleneck: CPU while connecting and in the measured window
/// (100% = one core), garbage collections (each pauses every thread) in the window, and memory.
/// </summary>
internal sealed record ClientFigures(double CpuSecondsConnecting, double CpuSeconds, double CpuPercent, int GcCount, double GcPauseMs,
    long WorkingSetMbWithConnectionsOpen, long PeakWorkingSetMb);

/// <summary>
/// With <c>--reconnect</c>: sockets closed by the server or dropped, connections back (and the attempts it took), the
/// ones still away at the end, messages sent again because they were not acked, sends answered <c>unavailable</c>,
/// and the time from each loss until the connection joined its room again.
/// </summary>
internal sealed record ReconnectFigures(int Drops, int Reconnects, int Attempts, int NotBack, long Resent, int Unavailable,
    double BackWithinSeconds, LatencySummary TimeBackMs);

internal sealed record Check(string Name, bool Passed, string Detail);
