using System.Globalization;

namespace ActorChat.Load;

/// <summary>The human-readable summary of a <see cref="Report"/>.</summary>
internal static class ReportText
{
    public static void Write(Report r, TextWriter w)
    {
        var s = r.Shape;
        var c = r.Connections;
        var m = r.Messages;
        w.WriteLine();
        w.WriteLine($"ActorChat load, scenario {r.Scenario}, {r.Url}, {r.StartedAt:yyyy-MM-dd HH:mm:ss} UTC");
        w.WriteLine($"  {s.Connections} connections, {s.Users} users, {s.Rooms} room{(s.Rooms == 1 ? "" : "s")}, {s.Senders} senders x {s.RatePerSender:0.###} msg/s, "
            + $"warm-up {s.WarmupSeconds:0.#} s, measured {s.DurationSeconds:0.#} s");
        w.WriteLine();
        w.WriteLine($"connections    {c.Opened} open and joined, {c.Failed} failed, in {c.Seconds:0.0} s "
            + $"(each: p50 {c.EachMs.P50:0.#} ms, p99 {c.EachMs.P99:0.#} ms, max {c.EachMs.Max:0.#} ms)");
        w.WriteLine($"messages       scheduled {m.Scheduled}, sent {m.Sent}, acked {m.Acked} ({m.SentPerSecond:0.#}/s)");
        w.WriteLine($"deliveries     expected {m.Expected}, delivered {m.Delivered} ({m.DeliveredPerSecond:0.#}/s), lost {m.Lost}, "
            + $"duplicates {m.Duplicates}, out of order {m.OutOfOrder}");
        w.WriteLine($"closes         1013 (slow consumer) {r.Closes.SlowConsumer1013}, other {r.Closes.Other}{Codes(r.Closes.ByCode)}");
        if (r.Reconnects is { } back)
        {
            w.WriteLine($"reconnects     {back.Reconnects} of {back.Drops} lost sockets back ({back.Attempts} attempts), {back.NotBack} not back; "
                + $"time back p50 {back.TimeBackMs.P50 / 1000:0.00} s, p99 {back.TimeBackMs.P99 / 1000:0.00} s, max {back.TimeBackMs.Max / 1000:0.00} s; "
                + $"resent {back.Resent}; unavailable {back.Unavailable}");
        }
        w.WriteLine($"errors         {r.Errors.Count}{Codes(r.Errors.ByKind)}");
        if (m.ForeignIgnored > 0)
            w.WriteLine($"ignored        {m.ForeignIgnored} messages of other clients in the rooms");
        w.WriteLine($"client         cpu {r.Client.CpuSecondsConnecting:0.0} s connecting, {r.Client.CpuSeconds:0.0} s in the window "
            + $"({r.Client.CpuPercent:0}% of a core); {r.Client.GcCount} GCs pausing {r.Client.GcPauseMs:0} ms in the window; "
            + $"memory {r.Client.WorkingSetMbWithConnectionsOpen} MB with the connections open, peak {r.Client.PeakWorkingSetMb} MB");
        w.WriteLine();
        w.WriteLine($"{"latency (ms)",-27}{"count",9}{"p50",9}{"p90",9}{"p99",9}{"p99.9",9}{"max",9}");
        Latency(w, "delivery from schedule", r.LatencyMs.DeliveryFromSchedule);
        Latency(w, "delivery from send", r.LatencyMs.DeliveryFromSend);
        Latency(w, "ack from send", r.LatencyMs.AckFromSend);
        Latency(w, "send lag (schedule->send)", r.LatencyMs.SendLag);

        var samples = c.FailureSamples.Concat(r.Errors.Samples).Take(10).ToArray();
        if (samples.Length > 0)
        {
            w.WriteLine();
            w.WriteLine("first problems:");
            foreach (var sample in samples)
                w.WriteLine($"  {sample}");
        }
        foreach (var hint in Hints(r))
            w.WriteLine($"hint: {hint}");

        w.WriteLine();
        foreach (var check in r.Checks)
            w.WriteLine($"  [{(check.Passed ? "pass" : "FAIL")}] {check.Name}: {check.Detail}");
        w.WriteLine(r.Passed ? "PASS" : "FAIL");
    }

    private static void Latency(TextWriter w, string name, LatencySummary l) =>
        w.WriteLine($"  {name,-25}{l.Count,9}{F(l.P50),9}{F(l.P90),9}{F(l.P99),9}{F(l.P999),9}{F(l.Max),9}");

    private static string F(double ms) => ms.ToString(ms < 10 ? "0.00" : ms < 100 ? "0.0" : "0", CultureInfo.InvariantCulture);

    private static string Codes(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "" : $" ({string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}"))})";

    private static IEnumerable<string> Hints(Report r)
    {
        if (r.Errors.ByKind.ContainsKey("error:rate_limited"))
            yield return "rate_limited: the server allows ActorChat:Connections:FramesPerSecond frames a second per connection (default 20); raise it for the test or lower --rate.";
        if (r.Closes.SlowConsumer1013 > 0)
            yield return "1013: the server closed connections whose outbound queue overflowed. If the client's own CPU is near 100% of its cores, the load client may be the slow consumer: run it on another machine.";
        if (r.Connections.FailureSamples.Any(f => f.Contains("'401'", StringComparison.Ordinal)))
            yield return "401: the server refused the token. With --token-file, delete the file to sign in again (tokens die with the server's signing key).";
        if (r.Connections.FailureSamples.Any(f => f.Contains("Too many open files", StringComparison.OrdinalIgnoreCase)))
            yield return "the client ran out of file descriptors: raise the limit (ulimit -n 65535) in the shell that runs it, and on the server.";
        if (r.Connections.FailureSamples.Any(f => f.Contains("Cannot assign requested address", StringComparison.OrdinalIgnoreCase)))
            yield return "the client ran out of local ports: widen net.ipv4.ip_local_port_range, or wait for TIME_WAIT sockets of an earlier run to go.";
    }
}
