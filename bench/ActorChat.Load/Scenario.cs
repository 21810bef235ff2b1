using System.Diagnostics;
using System.Security.Cryptography;

namespace ActorChat.Load;

/// <summary>
/// One run: sign the users in, open and join every connection (bounded concurrency, timed), send on the open-loop
/// schedule through warm-up and the measured window, wait for outstanding acks and deliveries, close, count.
/// </summary>
internal sealed class Scenario(LoadOptions options, TextWriter log)
{
    private static readonly TimeSpan MaxAttempt = TimeSpan.FromSeconds(10); // one reconnect attempt
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    public async Task<Report> RunAsync(CancellationToken ct)
    {
        var rooms = Layout.Plan(options);
        DescribePlan(rooms);
        var tokens = await Accounts.GetTokensAsync(options, log, ct);

        var stats = new RunStats(BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(sizeof(uint))));
        var startedAt = DateTimeOffset.UtcNow;
        var connections = rooms
            .SelectMany(room => Enumerable.Range(room.FirstConnection, room.Size)
                .Select(i => new ChatConnection(i, room, options.UserName(Layout.UserOf(i, options.Users)), stats)))
            .ToArray();
        try
        {
            using var invoker = FrameSocket.CreateInvoker(options.ConnectTimeout);
            using var stopReconnecting = new CancellationTokenSource();
            var reconnection = options.Reconnect ? new Reconnection(stats, Min(options.ConnectTimeout, MaxAttempt), stopReconnecting.Token) : null;
            var cpuBeforeConnect = Environment.CpuUsage.TotalTime;
            var connect = await new Connecting(options, log).ConnectAllAsync(connections, tokens, invoker, reconnection, stats, ct);
            var cpuConnecting = (Environment.CpuUsage.TotalTime - cpuBeforeConnect).TotalSeconds;
            if (connect.Opened == 0)
                throw new SetupException($"no connection could be opened: {string.Join("; ", connect.FailureSamples.Take(3))}");
            var memoryHeld = WorkingSetMb();

            var senders = PrepareSenders(rooms, connections, stats);
            var (window, interrupted) = await SendAsync(connections, senders, stats, ct);

            stats.Stopping = true;
            await stopReconnecting.CancelAsync();
            var closing = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(connections.Where(c => c.Joined), new ParallelOptions { MaxDegreeOfParallelism = 256 },
                async (c, _) => await c.CloseAsync(CloseTimeout));
            log.WriteLine($"closed in {Stopwatch.GetElapsedTime(closing).TotalSeconds:F1} s");

            var tally = Tally.Count(connections, senders);
            var client = new ClientFigures(Math.Round(cpuConnecting, 2), Math.Round(window.CpuSeconds, 2),
                Math.Round(window.CpuSeconds / options.Duration.TotalSeconds * 100, 1), window.GcCount, Math.Round(window.GcPauseMs, 1),
                memoryHeld, PeakWorkingSetMb());
            return Report.Create(options, startedAt, connect, tally, stats, client, interrupted || ct.IsCancellationRequested);
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection.Sender?.Dispose();
                connection.Dispose();
            }
        }
    }

    private void DescribePlan(RoomPlan[] rooms)
    {
        var sizes = rooms.Select(r => r.Size).Distinct().Order().ToArray();
        var perSecond = rooms.Sum(r => r.SenderCount * options.Rate * (r.Size - 1));
        log.WriteLine($"scenario {options.Scenario}: {options.Connections} connections in {Plural(rooms.Length, "room")} of {string.Join(" or ", sizes)}, "
            + $"{options.Users} users, {options.Senders} senders at {options.Rate:0.###} msg/s "
            + $"({options.Senders * options.Rate:0.#} msg/s, {perSecond:0} deliveries/s); "
            + $"warm-up {options.Warmup.TotalSeconds:0.#} s, measured {options.Duration.TotalSeconds:0.#} s; {options.SocketUri}"
            + (options.Reconnect ? $"; reconnecting, back within {options.BackWithin.TotalSeconds:0.#} s" : ""));
        if (options.Rate > 20)
            log.WriteLine($"note: {options.Rate:0.###} msg/s per sender is above the server's default of 20 frames/s per connection "
                + "(ActorChat:Connections:FramesPerSecond); raise it on the server, or expect rate_limited errors.");
    }

    /// <summary>Makes a <see cref="Sender"/> for each sending connection and a receipt log for each receiver of its messages.</summary>
    private Sender[] PrepareSenders(RoomPlan[] rooms, ChatConnection[] connections, RunStats stats)
    {
        stats.Schedule = Schedule.Create(Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2, options.Warmup, options.Duration,
            options.Rate, options.Senders);
        var senders = new Sender[options.Senders];
        foreach (var room in rooms.Where(r => r.SenderCount > 0))
        {
            for (var k = 0; k < room.SenderCount; k++)
            {
                var connection = connections[room.FirstConnection + k];
                senders[room.FirstSender + k] = connection.Sender = new Sender(room.FirstSender + k, connection, stats);
            }
            for (var i = room.FirstConnection; i < room.FirstConnection + room.Size; i++)
            {
                var member = connections[i];
                var logs = new ReceiptLog?[room.SenderCount];
                for (var k = 0; k < logs.Length; k++)
                {
                    var sender = senders[room.FirstSender + k];
                    logs[k] = sender.Connection == member ? null : new ReceiptLog(sender.Count);
                }
                member.Receipts = logs;
            }
        }
        return senders;
    }

    /// <summary>Warm-up, the measured window, then the drain; returns what the client itself spent in the window.</summary>
    private async Task<(WindowCost Cost, bool Interrupted)> SendAsync(ChatConnection[] connections, Sender[] senders,
        RunStats stats, CancellationToken ct)
    {
        var schedule = stats.Schedule;
        var active = senders.Where(s => s.Connection.Joined).ToArray();
        using var stopSending = new CancellationTokenSource();
        var writers = active.Select(s => s.RunAsync(stopSending.Token)).ToArray();
        var pacing = Pacer.RunAsync(active, ct);
        log.WriteLine($"sending: {active.Length} senders; warm-up until +{Seconds(schedule.MeasureFrom - schedule.Start):0.#} s, "
            + $"measured until +{Seconds(schedule.End - schedule.Start):0.#} s");

        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = RepeatAsync(ProgressEvery, () => LogProgress(connections, active, stats), stopProgress.Token);
        var interrupted = !await DelayUntilAsync(schedule.MeasureFrom, ct);
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var (gcBefore, pauseBefore) = (GC.CollectionCount(0), GC.GetTotalPauseDuration());
        interrupted |= !await DelayUntilAsync(schedule.End, ct);
        var cost = new WindowCost((Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds, GC.CollectionCount(0) - gcBefore,
            (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds);
        await pacing;

        // Drain: until every sent message is acked and delivered, or the deadline.
        var deadline = schedule.End + (long)(options.Drain.TotalSeconds * Stopwatch.Frequency);
        while (!interrupted && Stopwatch.GetTimestamp() < deadline)
        {
            if (writers.All(w => w.IsCompleted) && Tally.Count(connections, senders) is { Lost: 0 } t && t.Acked == t.Sent)
                break;
            interrupted = !await DelayUntilAsync(Math.Min(deadline, Stopwatch.GetTimestamp() + Stopwatch.Frequency / 5), ct);
        }
        await stopSending.CancelAsync();
        await Task.WhenAll(writers);
        await stopProgress.CancelAsync();
        await progress;
        LogProgress(connections, active, stats);
        return (cost, interrupted);
    }

    private void LogProgress(ChatConnection[] connections, Sender[] senders, RunStats stats)
    {
        var now = Stopwatch.GetTimestamp();
        var schedule = stats.Schedule;
        var phase = now < schedule.MeasureFrom ? "warm-up" : now < schedule.End ? "measuring" : "draining";
        log.WriteLine($"  {Seconds(now - schedule.Start),4:0} s  {phase,-9}  sent {senders.Sum(s => s.Sent)}, "
            + $"received {connections.Sum(c => (long)c.Received)}, 1013 closes {stats.SlowConsumerCloses}, "
            + $"other closes {stats.OtherCloses}, errors {stats.Errors}"
            + (options.Reconnect ? $", reconnects {stats.Reconnects} of {stats.Drops} drops, unavailable {stats.UnavailableCount}" : ""));
    }

    internal static async Task RepeatAsync(TimeSpan every, Action action, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                action();
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    /// <summary>Waits until the Stopwatch time; false when interrupted first.</summary>
    private static async Task<bool> DelayUntilAsync(long ticks, CancellationToken ct)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), ticks);
        if (wait <= TimeSpan.Zero)
            return !ct.IsCancellationRequested;
        try
        {
            await Task.Delay(wait, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private readonly record struct WindowCost(double CpuSeconds, int GcCount, double GcPauseMs);

    private static long WorkingSetMb() => Environment.WorkingSet >> 20;

    private static long PeakWorkingSetMb()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64 >> 20;
    }
}
