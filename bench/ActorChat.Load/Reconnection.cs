using System.Diagnostics;
using System.Net.WebSockets;

namespace ActorChat.Load;

/// <summary>
/// How a connection comes back after its socket was closed by the server or dropped (a node stopping closes with
/// 1001): it opens another through the same URL, where the load balancer picks a live node, joins its room with
/// <c>since</c> = the last seq it saw, and its sender sends again every message not acked, with the same ids. Attempts
/// follow one another after a short backoff until one succeeds or the run ends.
/// </summary>
internal sealed class Reconnection(RunStats stats, TimeSpan attemptTimeout, CancellationToken stop)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether a reconnect is the answer to a close: a dropped socket (no close frame), 1001 (the node is going
    /// away), 1011 (the server failed the connection) or 1013 (try again later). 1008 and the others say the client
    /// did something wrong, which a reconnect would not mend.
    /// </summary>
    public static bool Recovers(WebSocketCloseStatus? status) =>
        status is null or WebSocketCloseStatus.EndpointUnavailable or WebSocketCloseStatus.InternalServerError or (WebSocketCloseStatus)1013;

    /// <param name="lostAt">When the socket closed or dropped (<see cref="Stopwatch"/> ticks): the time back counts from it.</param>
    public async Task RunAsync(ChatConnection connection, long lostAt)
    {
        await Task.Yield(); // off the receive loop that noticed the loss
        var attempts = 0;
        var backoff = TimeSpan.Zero;
        var lastFailure = "";
        while (!stop.IsCancellationRequested)
        {
            attempts++;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(attemptTimeout);
            FrameSocket? socket = null;
            try
            {
                socket = await connection.OpenAsync(connection.LastSeq, timeout.Token);
                var joinedAt = Stopwatch.GetTimestamp();
                await connection.AdoptAsync(socket, timeout.Token);
                stats.Back(joinedAt - lostAt, attempts);
                return;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or OperationCanceledException
                or InvalidDataException or ObjectDisposedException)
            {
                socket?.Dispose();
                lastFailure = timeout.IsCancellationRequested && !stop.IsCancellationRequested
                    ? $"no joined within {attemptTimeout.TotalSeconds:0} s"
                    : ExceptionText.Describe(e);
            }
            backoff = backoff == TimeSpan.Zero ? FirstBackoff : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, LongestBackoff.Ticks));
            try
            {
                // Spread by connection, so that the connections of a node that went away do not all knock at once.
                await Task.Delay(backoff + TimeSpan.FromMilliseconds(connection.Index % 10 * 10), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        connection.GaveUp();
        stats.NotBack($"{connection.Name}: not back by the end of the run after {attempts} attempts: {lastFailure}");
    }
}
