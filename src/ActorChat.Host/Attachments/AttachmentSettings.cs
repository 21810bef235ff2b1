namespace ActorChat.Host.Attachments;

/// <summary>Photos: what an upload may be and how much each user may keep, bound from <c>ActorChat:Attachments</c>.</summary>
public sealed class AttachmentSettings
{
    public const string Section = "ActorChat:Attachments";

    /// <summary>The largest upload, in bytes.</summary>
    public long MaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>The most pixels (width × height) an image may have: past it, the upload is refused before decoding.</summary>
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>The most frames an animated image may have (only the first is kept).</summary>
    public int MaxFrames { get; set; } = 200;

    /// <summary>The longest side of a thumbnail, in pixels.</summary>
    public int ThumbnailSize { get; set; } = 320;

    /// <summary>How many images this node decodes at once; the others wait their turn (0: half the processors, at least one).</summary>
    public int MaxConcurrentDecodes { get; set; }

    /// <summary>How long an upload waits for its turn to be decoded before it is refused as unavailable.</summary>
    public TimeSpan DecodeWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many uploads one user may have in flight on a node at once; past it an upload is refused with 429. The user's
    /// images are decoded one after another, so one user never holds more than one place in the node's decode line.
    /// </summary>
    public int UploadsInFlightPerUser { get; set; } = 2;

    /// <summary>
    /// Pixels of images one user may have decoded on a node per minute (a budget that refills over the minute): a large
    /// image costs its pixels, not one turn like any other. An upload whose pixels are not there within
    /// <see cref="DecodeWait"/> is refused with 429 and the time to wait.
    /// </summary>
    public long DecodePixelsPerUserPerMinute { get; set; } = 200_000_000;

    /// <summary>How many bytes of photos one user may keep stored (images and thumbnails together).</summary>
    public long QuotaBytesPerUser { get; set; } = 200 * 1024 * 1024;

    /// <summary>An upload never attached to a message is removed after this long.</summary>
    public TimeSpan UnpostedLifetime { get; set; } = TimeSpan.FromHours(24);

    public int DecodeSlots => MaxConcurrentDecodes > 0 ? MaxConcurrentDecodes : Math.Max(1, Environment.ProcessorCount / 2);

    public void Validate()
    {
        if (MaxBytes is < 1024 or > 100 * 1024 * 1024)
            throw new InvalidOperationException($"{Section}:{nameof(MaxBytes)} must be between 1 KiB and 100 MiB.");
        if (MaxPixels < 1 || MaxFrames < 1 || ThumbnailSize is < 16 or > 2048)
            throw new InvalidOperationException($"{Section}: {nameof(MaxPixels)} and {nameof(MaxFrames)} must be positive, {nameof(ThumbnailSize)} 16 to 2048.");
        if (DecodePixelsPerUserPerMinute < MaxPixels)
            throw new InvalidOperationException($"{Section}:{nameof(DecodePixelsPerUserPerMinute)} must be at least {nameof(MaxPixels)}, or the largest images could never be decoded.");
        if (UploadsInFlightPerUser < 1)
            throw new InvalidOperationException($"{Section}:{nameof(UploadsInFlightPerUser)} must be positive.");
        if (MaxConcurrentDecodes < 0 || QuotaBytesPerUser < MaxBytes || UnpostedLifetime < TimeSpan.FromMinutes(1))
            throw new InvalidOperationException($"{Section}: {nameof(MaxConcurrentDecodes)} must not be negative, {nameof(QuotaBytesPerUser)} at least {nameof(MaxBytes)}, {nameof(UnpostedLifetime)} at least a minute.");
    }
}
