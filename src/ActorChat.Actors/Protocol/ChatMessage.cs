namespace ActorChat.Protocol;

/// <summary>
/// A stored chat message in its current state: its place in the room, the sender's own id for it, its content, and
/// what happened to it since (an edit, its deletion, reactions).
/// </summary>
/// <param name="Rev">The room revision that posted it; 0 where unknown.</param>
/// <param name="EditedAt">When its text was last edited; null when never.</param>
/// <param name="Deleted">Deleted: the text is empty and the seq stays as a placeholder.</param>
/// <param name="Reactions">Its reactions, in the order each emoji was first used; null or empty when none.</param>
/// <param name="ReplyTo">The seq of the message it answers; null when it answers none.</param>
/// <param name="Attachment">The photo it carries; null when none (or when it was deleted).</param>
/// <param name="Moderated">Deleted by one of the room's moderators (or a server administrator), not by its sender.</param>
public sealed record ChatMessage(
    long Seq,
    string Id,
    string From,
    string Text,
    DateTimeOffset Timestamp,
    long Rev = 0,
    DateTimeOffset? EditedAt = null,
    bool Deleted = false,
    IReadOnlyList<ReactionSummary>? Reactions = null,
    long? ReplyTo = null,
    MessageAttachment? Attachment = null,
    bool Moderated = false);

/// <summary>One emoji's reactions to a message: how many, and who (at most a few of them, always including <c>users</c>' own).</summary>
public sealed record ReactionSummary(string Emoji, int Count, IReadOnlyList<string> Users);
