namespace ActorChat.Load;

/// <summary>
/// The measured window's message counts. A receiver counts when it joined before the first message and stayed
/// until the end; it expects every measured message that was sent by another connection of its room, and a
/// message it did not get is lost.
/// </summary>
internal sealed record Tally(long Scheduled, long Sent, long Acked, long Expected, long Delivered, long Lost, long Duplicates,
    long OutOfOrder, long DuplicateAcks)
{
    public static Tally Count(IReadOnlyList<ChatConnection> connections, IReadOnlyList<Sender> senders)
    {
        long scheduled = 0, sent = 0, acked = 0, duplicateAcks = 0;
        foreach (var sender in senders)
        {
            scheduled += sender.MeasuredCount;
            sent += sender.SentMeasured;
            acked += sender.AckedMeasured;
            duplicateAcks += sender.DuplicateAcks;
        }
        long expected = 0, delivered = 0, duplicates = 0, outOfOrder = 0;
        foreach (var receiver in connections)
        {
            duplicates += receiver.Duplicates;
            outOfOrder += receiver.OutOfOrder;
            if (!receiver.Joined || receiver.Broken || receiver.Receipts is not { } logs)
                continue;
            for (var k = 0; k < logs.Length; k++)
            {
                if (logs[k] is not { } log)
                    continue;
                var sender = senders[receiver.Room.FirstSender + k];
                for (var n = sender.FirstMeasured; n < sender.Count; n++)
                {
                    if (!sender.WasSent(n))
                        continue;
                    expected++;
                    if (log.Seen(n))
                        delivered++;
                }
            }
        }
        return new Tally(scheduled, sent, acked, expected, delivered, expected - delivered, duplicates, outOfOrder, duplicateAcks);
    }
}
