using ActorChat.Protocol;

namespace ActorChat.Rooms;

/// <summary>
/// A stored message as it stands now, with every reaction to it, and its <c>message</c> frame serialized once
/// for every reader until the next change. The room changes it only after the change is stored.
/// </summary>
internal sealed class MessageState
{
    /// <summary>Most users named per emoji in a message object; its count says how many reacted in all.</summary>
    public const int UsersListed = 10;

    private readonly string _room;
    // Emoji in the order each was first used, each with its users in the order they reacted.
    // Created with the first reaction: most messages never get one.
    private List<(string Emoji, List<string> Users)>? _reactions;
    private byte[]? _frame;

    public MessageState(string room, MessagePosted posted, long rev)
    {
        _room = room;
        Seq = posted.Seq;
        Id = posted.Id;
        From = posted.From;
        Text = posted.Text;
        Timestamp = posted.Timestamp;
        ReplyTo = posted.ReplyTo;
        Attachment = posted.Attachment;
        PostedRev = rev;
        Rev = rev;
    }

    /// <summary>The state of a message as the message table holds it.</summary>
    public static MessageState Of(string room, Storage.MessageRow row)
    {
        var state = new MessageState(room, new MessagePosted(row.Seq, row.Id, row.From, row.Text, row.Timestamp, row.ReplyTo, row.Attachment), row.PostedRev);
        if (row.Rev != row.PostedRev || row.Reactions.Count > 0)
            state.Restore(row.Rev, row.Text, row.EditedAt, row.Deleted, row.Reactions, ByOther(row.DeletedBy, row.From));
        return state;
    }

    public long Seq { get; }

    public string Id { get; }

    public string From { get; }

    public string Text { get; private set; }

    public DateTimeOffset Timestamp { get; }

    /// <summary>The seq of the message this one answers; null when none.</summary>
    public long? ReplyTo { get; }

    /// <summary>The photo it carries; a deleted message shows none.</summary>
    public MessageAttachment? Attachment { get; }

    /// <summary>The revision that posted the message.</summary>
    public long PostedRev { get; }

    /// <summary>The revision of the last event applied to it.</summary>
    public long Rev { get; private set; }

    public DateTimeOffset? EditedAt { get; private set; }

    public bool Deleted { get; private set; }

    /// <summary>Deleted by a moderator rather than by its sender.</summary>
    public bool Moderated { get; private set; }

    private static bool ByOther(string? deletedBy, string from) => deletedBy is not null && !string.Equals(deletedBy, from, StringComparison.OrdinalIgnoreCase);

    /// <summary>How many distinct emoji the message has.</summary>
    public int EmojiCount => _reactions?.Count ?? 0;

    /// <summary>The current <c>message</c> frame (also the message object inside <c>joined</c> and <c>history</c>).</summary>
    public byte[] Frame => _frame ??= ServerFrames.Message(_room, ToMessage());

    public bool HasReaction(string user, string emoji) =>
        _reactions?.Exists(r => r.Emoji == emoji && r.Users.Contains(user)) ?? false;

    public int ReactionsOf(string user) => _reactions?.Count(r => r.Users.Contains(user)) ?? 0;

    public bool HasEmoji(string emoji) => _reactions?.Exists(r => r.Emoji == emoji) ?? false;

    /// <summary>The number of reactions with <paramref name="emoji"/>.</summary>
    public int CountOf(string emoji) => _reactions?.Find(r => r.Emoji == emoji).Users?.Count ?? 0;

    /// <summary>Applies <paramref name="change"/>, stored at <paramref name="rev"/>; a change already applied (by rev) is ignored.</summary>
    public void Apply(IMessageChange change, long rev)
    {
        if (rev <= Rev)
            return;
        Rev = rev;
        _frame = null;
        switch (change)
        {
            case MessageEdited edited:
                Text = edited.Text;
                EditedAt = edited.At;
                break;
            case MessageDeleted deleted:
                Deleted = true;
                Moderated = ByOther(deleted.User, From);
                Text = "";
                EditedAt = null;
                _reactions = null;
                break;
            case ReactionAdded added:
                AddReaction(added.User, added.Emoji);
                break;
            case ReactionRemoved removed:
                var index = _reactions?.FindIndex(r => r.Emoji == removed.Emoji) ?? -1;
                if (index >= 0 && _reactions![index].Users.Remove(removed.User) && _reactions[index].Users.Count == 0)
                    _reactions.RemoveAt(index);
                break;
        }
    }

    /// <summary>Restores the state read back from the message table.</summary>
    public void Restore(long rev, string text, DateTimeOffset? editedAt, bool deleted, IEnumerable<(string Emoji, string User)> reactions, bool moderated = false)
    {
        Rev = rev;
        Text = text;
        EditedAt = editedAt;
        Deleted = deleted;
        Moderated = moderated;
        _reactions = null;
        foreach (var (emoji, user) in reactions)
            AddReaction(user, emoji);
        _frame = null;
    }

    private void AddReaction(string user, string emoji)
    {
        _reactions ??= [];
        var index = _reactions.FindIndex(r => r.Emoji == emoji);
        if (index < 0)
            _reactions.Add((emoji, [user]));
        else if (!_reactions[index].Users.Contains(user))
            _reactions[index].Users.Add(user);
    }

    public ChatMessage ToMessage() => new(Seq, Id, From, Text, Timestamp, PostedRev, EditedAt, Deleted,
        _reactions is null or { Count: 0 } ? null : _reactions.ConvertAll(r => new ReactionSummary(r.Emoji, r.Users.Count, r.Users.Take(UsersListed).ToList())),
        ReplyTo, Deleted ? null : Attachment, Moderated);
}
