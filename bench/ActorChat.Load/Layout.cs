namespace ActorChat.Load;

/// <summary>
/// One room of the run: its members are connections <see cref="FirstConnection"/> onwards, and its senders are
/// global sender numbers <see cref="FirstSender"/> onwards, the room's first members.
/// </summary>
internal sealed record RoomPlan(int Index, string Name, int FirstConnection, int Size, int FirstSender, int SenderCount);

/// <summary>
/// Where each connection goes: connections are spread evenly over the rooms in blocks (room sizes differ by one at
/// most), connection i signs in as user i mod users (so a room's members are distinct users while rooms are no larger
/// than the user count, and each user holds several connections), and senders are spread evenly over the rooms.
/// </summary>
internal static class Layout
{
    public static RoomPlan[] Plan(LoadOptions options)
    {
        var (connections, rooms, senders) = (options.Connections, options.Rooms, options.Senders);
        var plans = new RoomPlan[rooms];
        var firstConnection = 0;
        for (var r = 0; r < rooms; r++)
        {
            var size = connections / rooms + (r < connections % rooms ? 1 : 0);
            var firstSender = FirstSender(r, rooms, senders);
            var senderCount = FirstSender(r + 1, rooms, senders) - firstSender;
            if (senderCount > size)
                throw new SetupException($"room {r} would have {senderCount} senders but only {size} members: fewer --senders or more --connections");
            plans[r] = new RoomPlan(r, options.RoomName(r), firstConnection, size, firstSender, senderCount);
            firstConnection += size;
        }
        return plans;
    }

    public static int UserOf(int connection, int users) => connection % users;

    // Sender j is in room floor(j * rooms / senders); room r's first sender is therefore ceil(r * senders / rooms).
    private static int FirstSender(int room, int rooms, int senders) => (int)(((long)room * senders + rooms - 1) / rooms);
}
