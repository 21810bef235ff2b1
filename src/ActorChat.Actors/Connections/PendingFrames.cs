using ActorChat.Protocol;

namespace ActorChat.Connections;

/// <summary>
/// The client's frames that came while the connection waited (for its account to confirm the session, or for a
/// photo to be attached), with the rate limit's verdict on each taken as it arrived: each is answered later, in
/// the order the client sent it, refusals included. Bounded: the rate limit lets only so many frames through in a
/// wait, and too many refusals in a row close the socket, so a full queue means a client far past its limits.
/// </summary>
internal sealed class PendingFrames(int capacity)
{
    private readonly Queue<(ClientFrame Frame, bool Admitted)> _frames = new();

    public int Count => _frames.Count;

    /// <summary>Keeps a frame to be answered in turn; false when the queue is full.</summary>
    public bool TryAdd(ClientFrame frame, bool admitted)
    {
        if (_frames.Count >= capacity)
            return false;
        _frames.Enqueue((frame, admitted));
        return true;
    }

    public bool TryTake(out ClientFrame frame, out bool admitted)
    {
        var taken = _frames.TryDequeue(out var next);
        (frame, admitted) = next;
        return taken;
    }
}
