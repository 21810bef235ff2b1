namespace ActorChat.Rooms;

/// <summary>Limits and timings of rooms, bound from the <c>ActorChat:Rooms</c> configuration section.</summary>
public sealed class RoomSettings
{
    public const string Section = "ActorChat:Rooms";

    /// <summary>Most messages replayed in a <c>joined</c> answer to a join with <c>since</c>; also how many a room keeps in memory.</summary>
    public int ReplayLimit { get; set; } = 1000;

    /// <summary>Most bytes of messages in one <c>joined</c> frame; a longer replay is truncated to the newest that fit.</summary>
    public int ReplayMaxBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Most present users named in one <c>joined</c> frame (with their read markers after it); <c>memberCount</c> always
    /// gives the whole number. Bounds the largest frame the server builds: a <c>joined</c> with
    /// <see cref="ReplayMaxBytes"/> of messages and this many names.
    /// </summary>
    public int MaxMembersListed { get; set; } = 5000;

    /// <summary>How many of a room's newest events are remembered to drop a repeated send or change with the same id.</summary>
    public int DedupWindow { get; set; } = 10_000;

    /// <summary>A snapshot is taken after this many new events (messages and changes to them), so recovery does not replay the whole history.</summary>
    public int SnapshotEvery { get; set; } = 1000;

    /// <summary>A room with no members stops after this long, freeing its memory; the next join recovers it.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A user's typing in a room is relayed at most once per this interval; more typing frames are dropped.</summary>
    public TimeSpan TypingInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Invitations one user may send per hour (a bucket of this many that refills over the hour); past it <c>rate_limited</c>.</summary>
    public int InvitationsPerHour { get; set; } = Accounts.InvitationLimits.Default.PerHour;

    /// <summary>Invitations a user may hold that they have not taken up by joining; past it the inviter gets <c>limit_reached</c>.</summary>
    public int MaxPendingInvitations { get; set; } = Accounts.InvitationLimits.Default.MaxPending;

    /// <summary>Of those, how many may come from one inviter.</summary>
    public int MaxPendingInvitationsPerInviter { get; set; } = Accounts.InvitationLimits.Default.MaxPendingPerInviter;

    /// <summary>The invitation limits as the accounts apply them.</summary>
    public Accounts.InvitationLimits Invitations => new(InvitationsPerHour, MaxPendingInvitations, MaxPendingInvitationsPerInviter);

    /// <summary>The Akka.Persistence query plugin that reads older history from the journal.</summary>
    public string ReadJournalPluginId { get; set; } = "akka.persistence.query.journal.sql";

    public void Validate()
    {
        if (ReplayLimit < Protocol.Limits.JoinBacklog)
            throw new InvalidOperationException($"{Section}:{nameof(ReplayLimit)} must be at least {Protocol.Limits.JoinBacklog}.");
        if (DedupWindow < ReplayLimit)
            throw new InvalidOperationException($"{Section}:{nameof(DedupWindow)} must be at least {nameof(ReplayLimit)}.");
        if (MaxMembersListed < 1)
            throw new InvalidOperationException($"{Section}:{nameof(MaxMembersListed)} must be positive.");
        if (ReplayMaxBytes < 64 * 1024)
            throw new InvalidOperationException($"{Section}:{nameof(ReplayMaxBytes)} must be at least 65536.");
        if (SnapshotEvery < 1)
            throw new InvalidOperationException($"{Section}:{nameof(SnapshotEvery)} must be positive.");
        if (TypingInterval < TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(TypingInterval)} must not be negative.");
        if (InvitationsPerHour < 1 || MaxPendingInvitations < 1 || MaxPendingInvitationsPerInviter < 1)
            throw new InvalidOperationException($"{Section}:{nameof(InvitationsPerHour)}, {nameof(MaxPendingInvitations)} and {nameof(MaxPendingInvitationsPerInviter)} must be positive.");
        if (MaxPendingInvitations >= Accounts.AccountRooms.MaxRooms)
            throw new InvalidOperationException($"{Section}:{nameof(MaxPendingInvitations)} must be below {Accounts.AccountRooms.MaxRooms}, the most rooms an account lists.");
        if (IdleTimeout <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(IdleTimeout)} must be positive.");
    }
}
