namespace ActorChat.Rooms;

/// <summary>
/// Received receipts: how far each user's devices have received the room, and which senders are due to hear that
/// more of their messages arrived. A sender hears it in one <c>received</c> frame per interval at most, naming their
/// newest message that changed, how many other users have it, and the first few of them, so the traffic stays the
/// same however large the room.
/// </summary>
internal sealed class RoomReceipts
{
    /// <summary>How many receivers a <c>received</c> frame names; <c>count</c> says how many there are in all.</summary>
    public const int UsersNamed = 3;

    private readonly Dictionary<string, long> _received = new(StringComparer.Ordinal);
    // Sender -> their newest message whose receivers changed since the last interval.
    private readonly Dictionary<string, long> _due = new(StringComparer.Ordinal);

    public bool HasDue => _due.Count > 0;

    /// <summary>
    /// Moves <paramref name="user"/>'s marker to <paramref name="seq"/> (never past <paramref name="latest"/>), and makes
    /// the senders of the messages it now covers due; false when it was there already.
    /// </summary>
    public bool TryMove(string user, long seq, long latest, RecentMessages recent, out long moved)
    {
        moved = Math.Min(seq, latest);
        var before = _received.GetValueOrDefault(user);
        if (before >= moved)
            return false;
        _received[user] = moved;
        // Each sender is due with their newest message received so far: a second move within the interval moves it on,
        // so the frame at its end says where the markers stand then.
        for (var s = moved; s > before && s >= recent.FirstSeq; s--)
        {
            if (recent.TryGet(s, out var message) && message.From != user && _due.GetValueOrDefault(message.From) < s)
                _due[message.From] = s;
        }
        return true;
    }

    /// <summary>Takes in the recovered markers; a move made meanwhile stays when it is further.</summary>
    public void Recovered(IReadOnlyDictionary<string, long> received)
    {
        foreach (var (user, seq) in received)
        {
            if (seq > _received.GetValueOrDefault(user))
                _received[user] = seq;
        }
    }

    /// <summary>The receipts due now, one per sender; each leaves the due list.</summary>
    public List<Receipt> TakeDue()
    {
        var receipts = new List<Receipt>(_due.Count);
        foreach (var (sender, seq) in _due)
            receipts.Add(ReceiptFor(sender, seq));
        _due.Clear();
        return receipts;
    }

    /// <summary>Where <paramref name="sender"/>'s newest message in memory stands; null when none of it reached anyone yet.</summary>
    public Receipt? Latest(string sender, RecentMessages recent, long latest)
    {
        for (var s = latest; s >= recent.FirstSeq && s > 0; s--)
        {
            if (recent.TryGet(s, out var message) && message.From == sender)
            {
                var receipt = ReceiptFor(sender, s);
                // Nobody has the newest one: show how far the others got among the sender's messages.
                return receipt.Count > 0 ? receipt : null;
            }
        }
        return null;
    }

    private Receipt ReceiptFor(string sender, long seq)
    {
        var users = new List<string>(UsersNamed);
        var count = 0;
        foreach (var (user, upTo) in _received)
        {
            if (upTo < seq || user == sender)
                continue;
            count++;
            if (users.Count < UsersNamed)
                users.Add(user);
        }
        return new Receipt(sender, seq, count, users);
    }

    /// <summary><paramref name="Count"/> other users, the first of them <paramref name="Users"/>, have received <paramref name="Sender"/>'s messages up to <paramref name="Seq"/>.</summary>
    public sealed record Receipt(string Sender, long Seq, int Count, IReadOnlyList<string> Users);
}
