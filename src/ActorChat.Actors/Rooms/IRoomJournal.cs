namespace ActorChat.Rooms;

/// <summary>
/// The room's journal as its parts use it: the <see cref="RoomActor"/> is the one implementation, since only a
/// persistent actor can persist, and it runs every callback on its own thread.
/// </summary>
internal interface IRoomJournal
{
    /// <summary>The revision of the last event stored.</summary>
    long LastSequenceNr { get; }

    /// <summary>Stores one event, taking nothing else until it is stored (rare changes: a room's creation, its roster).</summary>
    void Persist(IRoomEvent @event, Action<IRoomEvent> stored);

    /// <summary>Stores a batch in one write while the room goes on taking commands.</summary>
    void PersistAll(IReadOnlyList<IRoomEvent> events, Action<IRoomEvent> stored);

    void SaveSnapshot(RoomSnapshot snapshot);

    /// <summary>Nothing is being written or waiting: the room may stop, if it was asked to, or start its idle clock.</summary>
    void WritesSettled();
}
