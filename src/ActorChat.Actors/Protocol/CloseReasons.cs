using System.Net.WebSockets;

namespace ActorChat.Protocol;

/// <summary>Why the server closes a socket: a WebSocket close status and the reason text the client reads.</summary>
public sealed record CloseReason(WebSocketCloseStatus Status, string Reason);

/// <summary>
/// Every close the server makes, in one table (docs/PROTOCOL.md, "Close codes"). The code tells a client what to do
/// next: 1001, 1011 and 1013 invite a reconnect (with <c>since</c>), 1008 needs a new sign-in or slower sending,
/// 1003, 1007 and 1009 mean the client itself is broken.
/// </summary>
public static class CloseReasons
{
    /// <summary>1013 Try Again Later, which <see cref="WebSocketCloseStatus"/> has no name for.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    /// <summary>The client closed first; the server answers in kind.</summary>
    public static readonly CloseReason Normal = new(WebSocketCloseStatus.NormalClosure, "");

    /// <summary>This node is stopping; the others carry on.</summary>
    public static readonly CloseReason ShuttingDown = new(WebSocketCloseStatus.EndpointUnavailable, "server shutting down");

    public static readonly CloseReason BinaryFrame = new(WebSocketCloseStatus.InvalidMessageType, "only text frames are accepted");

    public static readonly CloseReason InvalidUtf8 = new(WebSocketCloseStatus.InvalidPayloadData, "text frames must be valid UTF-8");

    public static readonly CloseReason RateLimitExceeded = new(WebSocketCloseStatus.PolicyViolation, "rate limit exceeded");

    public static readonly CloseReason TokenExpired = new(WebSocketCloseStatus.PolicyViolation, "token expired");

    /// <summary>The connection's session was signed out (its own logout, or a sign-out everywhere).</summary>
    public static readonly CloseReason SignedOut = new(WebSocketCloseStatus.PolicyViolation, "signed out");

    /// <summary>A server administrator suspended the account: no sign-in until the suspension ends or is lifted.</summary>
    public static readonly CloseReason Suspended = new(WebSocketCloseStatus.PolicyViolation, "account suspended");

    /// <summary>The user has as many connections open, on all nodes together, as one user may.</summary>
    public static readonly CloseReason TooManyConnections = new(WebSocketCloseStatus.PolicyViolation, "too many connections for this user");

    /// <summary>The server failed this connection; nothing the client did, and reconnecting is safe.</summary>
    public static readonly CloseReason InternalError = new(WebSocketCloseStatus.InternalServerError, "internal error; reconnect and resume with since");

    public static readonly CloseReason TooSlow = new(TryAgainLater, "client is too slow; resume with since");

    public static CloseReason FrameTooLarge(int maxFrameBytes) => new(WebSocketCloseStatus.MessageTooBig, $"frames are limited to {maxFrameBytes} bytes");
}
