namespace ActorChat.Connections;

/// <summary>Per-connection limits, bound from the <c>ActorChat:Connections</c> configuration section.</summary>
public sealed class ConnectionSettings
{
    public const string Section = "ActorChat:Connections";

    /// <summary>Largest text frame a client may send, in bytes; a larger one closes the socket with 1009.</summary>
    public int MaxFrameBytes { get; set; } = 64 * 1024;

    /// <summary>Frames waiting for a slow client before it is closed with 1013.</summary>
    public int OutboxFrames { get; set; } = 1024;

    /// <summary>Bytes waiting for a slow client before it is closed with 1013.</summary>
    public long OutboxBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Frames a client may send per second on average.</summary>
    public double FramesPerSecond { get; set; } = 20;

    /// <summary>
    /// Bytes a client may send per second, counted below the WebSocket so that pings count too, with bursts of up to
    /// <see cref="InboundBurstBytes"/>; past it the socket is read more slowly (TCP holds the client back).
    /// </summary>
    public int InboundBytesPerSecond { get; set; } = 64 * 1024;

    /// <summary>The burst above <see cref="InboundBytesPerSecond"/>: four of the largest frames, or one second's worth if more.</summary>
    public int InboundBurstBytes => Math.Max(4 * MaxFrameBytes, InboundBytesPerSecond);

    /// <summary>Frames a client may send in a burst above that average.</summary>
    public int FrameBurst { get; set; } = 60;

    /// <summary>Frames refused with <c>rate_limited</c> in a row before the socket is closed with 1008.</summary>
    public int RateLimitStrikes { get; set; } = 100;

    /// <summary>A join or send a room has not answered after this long is sent again (rooms drop repeats).</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long the server keeps trying to store a send whose room is away (its node lost, the room moving) before
    /// it answers <c>unavailable</c>: the outcome is then unknown and the client retries with the same id. Longer
    /// than a failover, so a client normally never sees it.
    /// </summary>
    public TimeSpan SendDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sends in one room still waiting for their ack; one more is refused with <c>rate_limited</c> until acks come
    /// back. Bounds what a connection holds while its room is away, and the join that hands those ids back to it.
    /// </summary>
    public int MaxUnackedSends { get; set; } = 256;

    /// <summary>Rooms one connection may be in at once; a join past it gets <c>limit_reached</c>.</summary>
    public int MaxRoomsPerConnection { get; set; } = 100;

    /// <summary>
    /// Connections one user may have open at once, on all nodes together (tabs, devices); one more is accepted and
    /// closed with 1008 "too many connections for this user".
    /// </summary>
    public int MaxConnectionsPerUser { get; set; } = 32;

    /// <summary>Interval of the server's WebSocket keep-alive pings.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a peer has to answer a keep-alive ping with a pong before its socket is dropped: a client whose
    /// network vanished without a close would otherwise hold its connection, and its place in rooms, for ever.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Delivery hubs per node: local actors, partitioned by room name, that hand rooms' deliveries to this node's
    /// connections. 0 starts one per processor core.
    /// </summary>
    public int DeliveryHubs { get; set; }

    public void Validate()
    {
        if (DeliveryHubs < 0 || DeliveryHubs > 1024)
            throw new InvalidOperationException($"{Section}:{nameof(DeliveryHubs)} must be between 0 (one per core) and 1024.");
        if (MaxRoomsPerConnection < 1)
            throw new InvalidOperationException($"{Section}:{nameof(MaxRoomsPerConnection)} must be positive.");
        if (MaxConnectionsPerUser < 1)
            throw new InvalidOperationException($"{Section}:{nameof(MaxConnectionsPerUser)} must be positive.");
        if (KeepAliveInterval <= TimeSpan.Zero || KeepAliveTimeout <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}: {nameof(KeepAliveInterval)} and {nameof(KeepAliveTimeout)} must be positive.");
        if (MaxFrameBytes < 1024)
            throw new InvalidOperationException($"{Section}:{nameof(MaxFrameBytes)} must be at least 1024.");
        if (OutboxFrames < 1 || OutboxBytes < MaxFrameBytes)
            throw new InvalidOperationException($"{Section}: the outbound queue must hold at least one frame of {nameof(MaxFrameBytes)}.");
        if (RetryInterval < TimeSpan.FromMilliseconds(100))
            throw new InvalidOperationException($"{Section}:{nameof(RetryInterval)} must be at least 100 ms.");
        if (SendDeadline <= RetryInterval)
            throw new InvalidOperationException($"{Section}:{nameof(SendDeadline)} must be longer than {nameof(RetryInterval)}.");
        if (MaxUnackedSends < 1)
            throw new InvalidOperationException($"{Section}:{nameof(MaxUnackedSends)} must be positive.");
        if (InboundBytesPerSecond < 1024)
            throw new InvalidOperationException($"{Section}:{nameof(InboundBytesPerSecond)} must be at least 1024.");
        if (FramesPerSecond <= 0 || FrameBurst < 1 || RateLimitStrikes < 1)
            throw new InvalidOperationException($"{Section}: rate limits must be positive.");
    }
}
