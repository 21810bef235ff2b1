using System.Diagnostics;

namespace ActorChat.Load;

/// <summary>
/// Releases every sender's messages at their scheduled times from one thread of its own. It sleeps a millisecond
/// at a time near a due time instead of spinning (the load client often shares its cores with the server), so a
/// message leaves up to about a millisecond late; the report shows that as the send lag.
/// </summary>
internal static class Pacer
{
    public static Task RunAsync(IReadOnlyList<Sender> senders, CancellationToken ct) =>
        Task.Factory.StartNew(() => Run(senders, ct), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void Run(IReadOnlyList<Sender> senders, CancellationToken ct)
    {
        var due = new PriorityQueue<Sender, long>(senders.Count);
        foreach (var sender in senders.Where(s => s.Count > 0))
            due.Enqueue(sender, sender.ScheduledAt(0));
        try
        {
            while (!ct.IsCancellationRequested && due.TryPeek(out var sender, out var at))
            {
                var wait = at - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    var ms = wait * 1000 / Stopwatch.Frequency;
                    Thread.Sleep((int)Math.Clamp(ms - 1, 1, 50));
                    continue;
                }
                due.Dequeue();
                var next = sender.ReleaseNext();
                if (next < sender.Count)
                    due.Enqueue(sender, sender.ScheduledAt(next));
                else
                    sender.Complete();
            }
        }
        finally
        {
            foreach (var sender in senders)
                sender.Complete();
        }
    }
}
