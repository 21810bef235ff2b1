namespace ActorChat.Rooms;

/// <summary>What sort of room a room is, as a user's room list shows it.</summary>
public enum RoomKind : byte
{
    /// <summary>Anyone may join it by name; the directory lists it.</summary>
    Public = 0,

    /// <summary>Its owner lets members in (see <see cref="RoomAccess"/>).</summary>
    Private = 1,

    /// <summary>The room of two users, <c>dm:a:b</c>.</summary>
    Direct = 2,
}
