using ActorChat.Protocol;

namespace ActorChat.Rooms;

/// <summary>
/// Who may be in a room. A public room lets anyone in. A private room lets in its roster: its owner, who created it,
/// and those the owner invited, until removed. A direct room (<c>dm:a:b</c>) is private to the two users its name names.
/// Users are compared without regard to case, as accounts are, and named as they registered: a name known only in
/// lower case (from a direct room's name, or recorded by a version that stored names so) takes the registered form
/// once the room learns it (<see cref="Named"/>).
/// </summary>
internal sealed class RoomAccess
{
    private readonly List<string> _roster = [];

    public RoomAccess(string room)
    {
        if (Limits.DirectRoomUsers(room) is var (first, second))
        {
            IsPrivate = true;
            IsDirect = true;
            _roster.Add(first);
            _roster.Add(second);
        }
    }

    public bool IsPrivate { get; private set; }

    public bool IsDirect { get; }

    /// <summary>The owner of a private room, as registered; null for a public or direct room.</summary>
    public string? Owner { get; private set; }

    /// <summary>Who may be in a private room, as registered, in the order they were let in.</summary>
    public IReadOnlyList<string> Roster => _roster;

    public bool Allows(string user) => !IsPrivate || IndexOf(user) >= 0;

    public bool IsOwner(string user) => Owner is not null && Same(Owner, user);

    /// <summary>True when <paramref name="user"/> created the room as asked: asking again only joins it.</summary>
    public bool CreatedAs(string user, bool isPrivate) => IsPrivate == isPrivate && (isPrivate ? IsOwner(user) : Owner is null);

    /// <summary>How the roster names <paramref name="user"/> (given in any case); null when it is not on it.</summary>
    public string? NameOf(string user) => IndexOf(user) is var index and >= 0 ? _roster[index] : null;

    /// <summary><paramref name="user"/>, as registered, replaces any other spelling of the name in the roster and as owner.</summary>
    public void Named(string user)
    {
        if (IndexOf(user) is var index and >= 0)
            _roster[index] = user;
        if (Owner is not null && Same(Owner, user))
            Owner = user;
    }

    public void Apply(IAccessChange change)
    {
        switch (change)
        {
            case RoomCreated created when created.Private:
                IsPrivate = true;
                Owner = created.User;
                if (IndexOf(created.User) < 0)
                    _roster.Add(created.User);
                break;
            case MemberInvited invited when IndexOf(invited.Member) < 0:
                _roster.Add(invited.Member);
                break;
            case MemberRemoved removed when IndexOf(removed.Member) is var index and >= 0:
                _roster.RemoveAt(index);
                break;
        }
    }

    public void Restore(RoomSnapshot snapshot)
    {
        if (!snapshot.Private || IsDirect)
            return;
        IsPrivate = true;
        Owner = snapshot.Owner;
        _roster.Clear();
        _roster.AddRange(snapshot.Roster ?? []);
    }

    public RoomSnapshot Snapshot(long seq) =>
        IsPrivate && !IsDirect ? new RoomSnapshot(seq, true, Owner, [.. _roster]) : new RoomSnapshot(seq);

    public static string Key(string user) => user.ToLowerInvariant();

    private int IndexOf(string user) => _roster.FindIndex(name => Same(name, user));

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
