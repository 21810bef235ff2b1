namespace ActorChat.Rooms;

/// <summary>How far each user has read the room, as the room knows it: what its marker store recovered, then every move.</summary>
internal sealed class RoomReads
{
    private readonly Dictionary<string, long> _markers = new(StringComparer.Ordinal);

    /// <summary>Moves <paramref name="user"/>'s marker to <paramref name="seq"/> (never past <paramref name="latest"/>); false when it was there already.</summary>
    public bool TryMove(string user, long seq, long latest, out long moved)
    {
        moved = Math.Min(seq, latest);
        if (_markers.GetValueOrDefault(user) >= moved)
            return false;
        _markers[user] = moved;
        return true;
    }

    /// <summary>Takes in the recovered markers; a move made meanwhile stays when it is further.</summary>
    public void Recovered(IReadOnlyDictionary<string, long> markers)
    {
        foreach (var (user, seq) in markers)
        {
            if (seq > _markers.GetValueOrDefault(user))
                _markers[user] = seq;
        }
    }

    public bool TryGet(string user, out long seq) => _markers.TryGetValue(user, out seq);
}
