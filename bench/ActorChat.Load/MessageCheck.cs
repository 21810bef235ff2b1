using System.Diagnostics;

namespace ActorChat.Load;

/// <summary>How a message reached a connection, which decides what a repeat of it means.</summary>
internal enum Arrival
{
    /// <summary>A live <c>message</c> frame: a repeat is a duplicate, an earlier number out of order.</summary>
    Live,

    /// <summary>
    /// In a <c>joined</c> the connection did not ask for (the room restarted under it) or in the first one: it may
    /// hold what the connection already has, and messages of earlier runs.
    /// </summary>
    Replay,

    /// <summary>
    /// In the <c>joined</c> of a resume with <c>since</c> = the last seq the connection saw: every message of it is
    /// new, so a repeat counts as in a live frame. The connection's own messages are in it too, and are skipped: its
    /// unacked ones go again by id.
    /// </summary>
    Resume,
}

/// <summary>
/// The receiving side of one connection: checks every message of this run against the senders of its room (sequence
/// numbers per sender: deliveries, duplicates, order), records the delivery latencies, and keeps the room's last seq.
/// </summary>
internal sealed class MessageCheck(RoomPlan room, RunStats stats, Func<string> name)
{
    private int _received;
    private int _delivered;
    private int _duplicates;
    private int _outOfOrder;
    private long _lastSeq;

    /// <summary>One log per sender of its room (null for itself); set before the first message is sent.</summary>
    public ReceiptLog?[]? Receipts { get; set; }

    /// <summary>Messages of this run received (each once), measured or not.</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>Measured messages received (each once).</summary>
    public int Delivered => Volatile.Read(ref _delivered);

    public int Duplicates => Volatile.Read(ref _duplicates);
    public int OutOfOrder => Volatile.Read(ref _outOfOrder);

    /// <summary>The highest room seq of a message seen (live or replayed): what a resume asks to be replayed after.</summary>
    public long LastSeq => Volatile.Read(ref _lastSeq);

    public void OnMessage(ReadOnlySpan<byte> text, long seq, Arrival arrival)
    {
        var now = Stopwatch.GetTimestamp();
        if (seq > _lastSeq)
            Volatile.Write(ref _lastSeq, seq);
        if (!MessageStamp.TryParseText(text, out var stamp) || stamp.Run != stats.Run)
        {
            if (arrival == Arrival.Live)
                stats.CountForeign(); // history of earlier runs, or someone else talking in the room
            return;
        }
        var receipts = Receipts;
        var local = stamp.Sender - room.FirstSender;
        if (receipts is null || (uint)local >= (uint)receipts.Length)
        {
            stats.Error("protocol", $"{name()}: a message of sender {stamp.Sender}, who is not in its room");
            return;
        }
        if (receipts[local] is not { } log)
        {
            if (arrival != Arrival.Resume)
                stats.Error("protocol", $"{name()}: its own message came back (the sending connection gets only the ack)");
            return;
        }
        var strict = arrival != Arrival.Replay;
        switch (log.Record(stamp.Sequence))
        {
            case Receipt.Unknown:
                stats.Error("protocol", $"{name()}: a message numbered {stamp.Sequence}, which sender {stamp.Sender} never sends");
                return;
            case Receipt.Duplicate:
                if (strict)
                    Interlocked.Increment(ref _duplicates);
                return;
            case Receipt.OutOfOrder when strict:
                Interlocked.Increment(ref _outOfOrder);
                break;
        }
        Interlocked.Increment(ref _received);
        if (stats.Schedule.IsMeasured(stamp.ScheduledAt))
        {
            Interlocked.Increment(ref _delivered);
            stats.DeliveryFromSchedule.RecordTicks(now - stamp.ScheduledAt);
            stats.DeliveryFromSend.RecordTicks(now - stamp.SentAt);
        }
    }
}
