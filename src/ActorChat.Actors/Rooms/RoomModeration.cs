namespace ActorChat.Rooms;

/// <summary>A member's standing in a room, lowest first: what they may do to others is bounded by it.</summary>
public enum RoomRole
{
    Member,
    Moderator,
    Owner,
}

/// <summary>
/// Who moderates a room and whom it holds back: its owners and moderators, its bans and mutes, and its slow mode, as
/// its stored events (<see cref="IModerationChange"/>, and <see cref="RoomCreated"/>, whose creator is its first owner)
/// made them. Users are compared without regard to case, as accounts are. When each member last posted, for slow
/// mode, is kept here too, in memory only: a restart lets everyone post once more at once.
/// </summary>
internal sealed class RoomModeration
{
    private readonly Dictionary<string, RoomRole> _roles = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, BanRecord> _bans = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DateTimeOffset> _mutes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DateTimeOffset> _lastPost = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>One message per member per this many seconds; 0 when slow mode is off.</summary>
    public int SlowModeSeconds { get; private set; }

    /// <summary>How many owners the room has: it keeps at least one once it has had one.</summary>
    public int Owners => _roles.Values.Count(role => role == RoomRole.Owner);

    public RoomRole RoleOf(string user) => _roles.GetValueOrDefault(user, RoomRole.Member);

    /// <summary>Whether <paramref name="user"/> moderates here: a moderator, an owner, or a server administrator.</summary>
    public bool Moderates(string user, bool admin) => admin || RoleOf(user) >= RoomRole.Moderator;

    /// <summary>The ban that holds <paramref name="user"/> out at <paramref name="now"/>; null when none does.</summary>
    public BanRecord? BanOf(string user, DateTimeOffset now) =>
        _bans.TryGetValue(user, out var ban) && (ban.Until is null || ban.Until > now) ? ban : null;

    /// <summary>Until when <paramref name="user"/> may not send or react; null when they may.</summary>
    public DateTimeOffset? MutedUntil(string user, DateTimeOffset now) =>
        _mutes.TryGetValue(user, out var until) && until > now ? until : null;

    /// <summary>
    /// When <paramref name="user"/> may post next under slow mode, if not at <paramref name="now"/>; null when they may
    /// post now. Moderators and owners are not held to it.
    /// </summary>
    public DateTimeOffset? SlowedUntil(string user, DateTimeOffset now)
    {
        if (SlowModeSeconds == 0 || RoleOf(user) >= RoomRole.Moderator || !_lastPost.TryGetValue(user, out var last))
            return null;
        var next = last.AddSeconds(SlowModeSeconds);
        return next > now ? next : null;
    }

    /// <summary>Notes that <paramref name="user"/> posted at <paramref name="at"/>, for slow mode.</summary>
    public void Posted(string user, DateTimeOffset at)
    {
        if (SlowModeSeconds > 0)
            _lastPost[user] = at;
    }

    public void Apply(IAccessChange change)
    {
        switch (change)
        {
            case RoomCreated created:
                _roles[created.User] = RoomRole.Owner;
                break;
            case RoleChanged changed when Parse(changed.Role) is { } role:
                if (role == RoomRole.Member)
                    _roles.Remove(changed.Member);
                else
                    _roles[changed.Member] = role;
                break;
            case MemberBanned banned:
                _bans[banned.Member] = new BanRecord(banned.Until, banned.Reason);
                break;
            case MemberUnbanned unbanned:
                _bans.Remove(unbanned.Member);
                break;
            case MemberMuted muted:
                _mutes[muted.Member] = muted.Until;
                break;
            case MemberUnmuted unmuted:
                _mutes.Remove(unmuted.Member);
                break;
            case SlowModeSet slow:
                SlowModeSeconds = slow.Seconds;
                if (slow.Seconds == 0)
                    _lastPost.Clear();
                break;
        }
    }

    /// <param name="creator">The room's creator, from a snapshot taken before rooms had moderation: its first owner.</param>
    public void Restore(ModerationSnapshot? snapshot, string? creator)
    {
        if (snapshot is null)
        {
            if (creator is not null)
                _roles[creator] = RoomRole.Owner;
            return;
        }
        foreach (var (user, role) in snapshot.Roles)
        {
            if (Parse(role) is { } parsed and not RoomRole.Member)
                _roles[user] = parsed;
        }
        foreach (var (user, ban) in snapshot.Bans)
            _bans[user] = ban;
        foreach (var (user, until) in snapshot.Mutes)
            _mutes[user] = until;
        SlowModeSeconds = snapshot.SlowModeSeconds;
    }

    /// <summary>What <paramref name="user"/> learns of the room's moderation when joining it at <paramref name="now"/>.</summary>
    public Protocol.ModerationView ViewFor(string user, DateTimeOffset now) => new(
        Name(RoleOf(user)),
        [.. _roles.OrderByDescending(entry => entry.Value).ThenBy(entry => entry.Key, StringComparer.OrdinalIgnoreCase).Select(entry => (entry.Key, Name(entry.Value)))],
        SlowModeSeconds,
        MutedUntil(user, now));

    /// <summary>What a snapshot keeps; null for a room never moderated. Bans and mutes that have run out are left behind.</summary>
    public ModerationSnapshot? Snapshot(DateTimeOffset now)
    {
        if (_roles.Count == 0 && _bans.Count == 0 && _mutes.Count == 0 && SlowModeSeconds == 0)
            return null;
        return new ModerationSnapshot(
            _roles.ToDictionary(entry => entry.Key.ToLowerInvariant(), entry => Name(entry.Value)),
            _bans.Where(entry => entry.Value.Until is null || entry.Value.Until > now).ToDictionary(entry => entry.Key.ToLowerInvariant(), entry => entry.Value),
            _mutes.Where(entry => entry.Value > now).ToDictionary(entry => entry.Key.ToLowerInvariant(), entry => entry.Value),
            SlowModeSeconds);
    }

    /// <summary>The role named <paramref name="name"/> as the protocol spells it; null for no such role.</summary>
    public static RoomRole? Parse(string? name) => name switch
    {
        "owner" => RoomRole.Owner,
        "moderator" => RoomRole.Moderator,
        "member" => RoomRole.Member,
        _ => null,
    };

    public static string Name(RoomRole role) => role switch
    {
        RoomRole.Owner => "owner",
        RoomRole.Moderator => "moderator",
        _ => "member",
    };
}
