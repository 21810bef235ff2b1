namespace ActorChat.Protocol;

/// <summary>The fixed limits of protocol version 1 (configurable limits live in options classes).</summary>
public static class Limits
{
    public const int MaxRoomLength = 64;
    public const int MaxClientIdLength = 64;
    public const int MaxTextLength = 4000;
    public const int DefaultHistoryLimit = 50;
    public const int MaxHistoryLimit = 200;
    public const int JoinBacklog = 50;

    /// <summary>Room names: 1 to 64 characters of a-z 0-9 _ -.</summary>
    public static bool IsValidRoom(string room)
    {
        if (room.Length is 0 or > MaxRoomLength)
            return false;
        foreach (var c in room)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-'))
                return false;
        }
        return true;
    }
}
