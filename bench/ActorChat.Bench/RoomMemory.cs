using ActorChat.Protocol;
using ActorChat.Rooms;

namespace ActorChat.Bench;

/// <summary>
/// What a busy room holds in memory once its windows are full: the frames of its newest <c>ReplayLimit</c>
/// messages and the ids of its newest <c>DedupWindow</c> sends. Fills many rooms the way sends do, then reads the
/// managed heap after a full collection, so the figures are retained memory, not allocation.
/// </summary>
internal static class RoomMemory
{
    private const int Rooms = 50;

    public static void Run(int textLength = 64)
    {
        var settings = new RoomSettings();
        var text = new string('x', textLength);
        var messages = Math.Max(settings.ReplayLimit, settings.DedupWindow);
        var posts = Enumerable.Range(1, messages)
            // Ids the way clients make them: a per-device prefix and a counter.
            .Select(seq => new MessagePosted(seq, $"web-3f9c2a1b-{seq}", $"user{seq % 5}", text, DateTimeOffset.UtcNow))
            .ToArray();

        var frames = Retained(() =>
        {
            var recent = new RecentMessages(settings.ReplayLimit);
            foreach (var posted in posts)
                recent.Add(new MessageState("general", posted, rev: posted.Seq));
            return recent;
        });
        var ids = Retained(() =>
        {
            var sent = new SentIds(settings.DedupWindow);
            foreach (var posted in posts)
                sent.Add(posted, rev: posted.Seq);
            return sent;
        });

        Console.WriteLine($"A room after {messages} messages of {textLength} characters, retained:");
        Console.WriteLine($"  newest {settings.ReplayLimit} frames: {frames / 1024:F0} KiB ({frames / settings.ReplayLimit:F0} bytes each)");
        Console.WriteLine($"  newest {settings.DedupWindow} sent ids: {ids / 1024:F0} KiB ({ids / settings.DedupWindow:F0} bytes each)");
    }

    // Bytes per room that stay reachable after building one structure for each of many rooms.
    private static double Retained(Func<object> build)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var held = new object[Rooms];
        for (var r = 0; r < Rooms; r++)
            held[r] = build();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(held);
        return (after - before) / (double)Rooms;
    }
}
