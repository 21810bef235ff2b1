namespace ActorChat.Protocol;

/// <summary>
/// How much of a room reaches its member's attention (version 2), the member's own setting for each room in their
/// list: every message, only mentions of them (and every message of a direct room), or nothing.
/// </summary>
public enum RoomNotify
{
    All = 0,
    Mentions = 1,
    Muted = 2,
}

public static class RoomNotifyNames
{
    public static string Name(this RoomNotify level) => level switch
    {
        RoomNotify.Mentions => "mentions",
        RoomNotify.Muted => "muted",
        _ => "all",
    };

    /// <summary>The level a client named, or null for a name that is none.</summary>
    public static RoomNotify? Parse(string? name) => name switch
    {
        "all" => RoomNotify.All,
        "mentions" => RoomNotify.Mentions,
        "muted" => RoomNotify.Muted,
        _ => null,
    };
}
