namespace ActorChat.Protocol;

/// <summary>The error codes of the wire protocol, as they appear in <c>error</c> frames.</summary>
public static class ErrorCodes
{
    public const string BadFrame = "bad_frame";
    public const string UnknownType = "unknown_type";
    public const string InvalidRoom = "invalid_room";
    public const string NotJoined = "not_joined";
    public const string TooLarge = "too_large";
    public const string RateLimited = "rate_limited";
    public const string Forbidden = "forbidden";
    public const string Unavailable = "unavailable";
    public const string Internal = "internal";

    /// <summary>A per-client limit other than a rate, such as the rooms one connection may be in: retrying will not help.</summary>
    public const string LimitReached = "limit_reached";

    /// <summary>Version 2: a room to create exists already.</summary>
    public const string Conflict = "conflict";

    /// <summary>Version 2: the message (or user) a frame names does not exist, or no longer can be changed.</summary>
    public const string NotFound = "not_found";
}

/// <summary>One failed request: a code from <see cref="ErrorCodes"/>, a human message, and what it concerns.</summary>
public sealed record ProtocolError(string Code, string Message, string? Ref = null);
