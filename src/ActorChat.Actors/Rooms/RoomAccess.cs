using ActorChat.Protocol;

namespace ActorChat.Rooms;

/// <summary>
/// Who may be in a room. A public room lets anyone in. A private room lets in its roster: its owner, who created it,
/// and those the owner invited, until removed. A direct room (<c>dm:a:b</c>) is private to the two users its name names.
/// Users are compared without regard to case, as accounts are.
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

    /// <summary>The owner of a private room, in lower case; null for a public or direct room.</summary>
    public string? Owner { get; private set; }

    /// <summary>Who may be in a private room, in lower case, in the order they were let in.</summary>
    public IReadOnlyList<string> Roster => _roster;

    public bool Allows(string user) => !IsPrivate || _roster.Contains(Key(user));

    public bool IsOwner(string user) => Owner is not null && Owner == Key(user);

    /// <summary>True when <paramref name="user"/> created the room as asked: asking again only joins it.</summary>
    public bool CreatedAs(string user, bool isPrivate) => IsPrivate == isPrivate && (isPrivate ? IsOwner(user) : Owner is null);

    public void Apply(IAccessChange change)
    {
        switch (change)
        {
            case RoomCreated created when created.Private:
                IsPrivate = true;
                Owner = Key(created.User);
                if (!_roster.Contains(Owner))
                    _roster.Add(Owner);
                break;
            case MemberInvited invited when !_roster.Contains(Key(invited.Member)):
                _roster.Add(Key(invited.Member));
                break;
            case MemberRemoved removed:
                _roster.Remove(Key(removed.Member));
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
}
