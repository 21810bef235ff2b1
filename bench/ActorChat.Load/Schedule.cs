using System.Diagnostics;

namespace ActorChat.Load;

/// <summary>
/// The open-loop timetable, in <see cref="Stopwatch"/> ticks: sender j sends message n at
/// <c>Start + (n + j / senders) * interval</c>, whatever happened to the messages before it, so the senders together
/// send at an even pace. Messages scheduled in [<see cref="MeasureFrom"/>, <see cref="End"/>) are measured; the ones
/// before are warm-up; none is scheduled at or after the end.
/// </summary>
internal sealed record Schedule(long Start, long MeasureFrom, long End, double IntervalTicks, int SenderCount)
{
    public static Schedule Create(long start, TimeSpan warmup, TimeSpan duration, double ratePerSender, int senders)
    {
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        return new Schedule(start, measureFrom, measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency),
            Stopwatch.Frequency / ratePerSender, senders);
    }

    public long ScheduledAt(int sender, int n) => Start + (long)((n + (double)sender / SenderCount) * IntervalTicks);

    public bool IsMeasured(long scheduledAt) => scheduledAt >= MeasureFrom && scheduledAt < End;

    /// <summary>How many messages the sender sends in all: the first n whose time is at or past the end.</summary>
    public int Count(int sender) => FirstAtOrAfter(sender, End);

    /// <summary>The first measured message of the sender; it and all after it, up to <see cref="Count"/>, are measured.</summary>
    public int FirstMeasured(int sender) => FirstAtOrAfter(sender, MeasureFrom);

    private int FirstAtOrAfter(int sender, long ticks)
    {
        var n = Math.Max(0, (int)Math.Floor((ticks - Start) / IntervalTicks - (double)sender / SenderCount));
        while (n > 0 && ScheduledAt(sender, n - 1) >= ticks)
            n--;
        while (ScheduledAt(sender, n) < ticks)
            n++;
        return n;
    }
}
