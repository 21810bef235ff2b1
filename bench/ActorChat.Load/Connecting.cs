using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;

namespace ActorChat.Load;

/// <summary>The start of a run: opens and joins every connection, a bounded number at a time, each within the connect timeout.</summary>
internal sealed class Connecting(LoadOptions options, TextWriter log)
{
    private const int MaxFailureSamples = 20;

    public async Task<ConnectFigures> ConnectAllAsync(ChatConnection[] connections, string[] tokens, HttpMessageInvoker invoker,
        Reconnection? reconnection, RunStats stats, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var counts = new int[2]; // opened, failed
        var failures = new ConcurrentQueue<string>();
        log.WriteLine($"connecting {connections.Length} connections, {options.ConnectConcurrency} at a time");
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = Scenario.RepeatAsync(TimeSpan.FromSeconds(2),
            () => log.WriteLine($"  {Volatile.Read(ref counts[0])} open, {Volatile.Read(ref counts[1])} failed, {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s"),
            stopProgress.Token);
        try
        {
            await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = options.ConnectConcurrency, CancellationToken = ct },
                async (connection, token) =>
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                    timeout.CancelAfter(options.ConnectTimeout);
                    var attempt = Stopwatch.GetTimestamp();
                    try
                    {
                        await connection.ConnectAsync(options.SocketUri, tokens[Layout.UserOf(connection.Index, options.Users)], invoker, reconnection, timeout.Token);
                        stats.ConnectAndJoin.RecordTicks(Stopwatch.GetTimestamp() - attempt);
                        Interlocked.Increment(ref counts[0]);
                    }
                    catch (Exception e) when (!token.IsCancellationRequested
                        && e is WebSocketException or HttpRequestException or IOException or OperationCanceledException or InvalidDataException)
                    {
                        Interlocked.Increment(ref counts[1]);
                        if (failures.Count < MaxFailureSamples)
                            failures.Enqueue($"{connection.Name}: {Describe(e, timeout.IsCancellationRequested)}");
                    }
                });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // interrupted: report what there is
        }
        finally
        {
            await stopProgress.CancelAsync();
            await progress;
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var opened = connections.Count(c => c.Joined);
        log.WriteLine($"{opened} of {connections.Length} connections open and joined in {seconds:F1} s");
        return new ConnectFigures(connections.Length, opened, connections.Length - opened, Math.Round(seconds, 2),
            stats.ConnectAndJoin.Summary(), [.. failures]);
    }

    private string Describe(Exception e, bool timedOut) =>
        timedOut ? $"no joined within {options.ConnectTimeout.TotalSeconds:0} s" : ExceptionText.Describe(e);
}
