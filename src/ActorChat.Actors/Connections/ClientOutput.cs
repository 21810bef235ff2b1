using ActorChat.Protocol;

namespace ActorChat.Connections;

/// <summary>
/// What a connection's parts send to its client. The <see cref="ConnectionActor"/> is the one implementation: it
/// owns the outbound queue, counts deliveries, and closes a client too slow to keep up.
/// </summary>
internal interface IClientOutput
{
    void Send(byte[] frame);

    void Send(IReadOnlyList<byte[]> frames);

    void SendError(string code, string message, string? reference = null);

    /// <summary>Closes the socket with <paramref name="reason"/> and stops the connection.</summary>
    void Close(CloseReason reason);
}
