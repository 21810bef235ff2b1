namespace ActorChat.Protocol;

// Frames about messages: a message itself, its ack to the sender, and the changes made to it since.
public static partial class ServerFrames
{
    /// <summary>The <c>message</c> frame; its bytes are also the message object inside <c>joined</c> and <c>history</c>.</summary>
    public static byte[] Message(string room, ChatMessage message) => Write(w =>
    {
        w.WriteString("type", "message");
        w.WriteString("room", room);
        w.WriteNumber("seq", message.Seq);
        w.WriteString("id", message.Id);
        w.WriteString("from", message.From);
        w.WriteString("text", message.Text);
        w.WriteString("ts", FormatTimestamp(message.Timestamp));
        if (message.Rev > 0)
            w.WriteNumber("rev", message.Rev);
        if (message.ReplyTo is { } replyTo)
            w.WriteNumber("replyTo", replyTo);
        if (message.Attachment is { } attachment)
        {
            w.WriteStartObject("attachment");
            w.WriteString("id", attachment.Id);
            w.WriteString("url", attachment.Url);
            w.WriteString("contentType", attachment.ContentType);
            w.WriteNumber("size", attachment.Size);
            w.WriteNumber("width", attachment.Width);
            w.WriteNumber("height", attachment.Height);
            w.WriteString("thumbnailUrl", attachment.ThumbnailUrl);
            w.WriteEndObject();
        }
        if (message.EditedAt is { } editedAt)
            w.WriteString("editedAt", FormatTimestamp(editedAt));
        if (message.Deleted)
            w.WriteBoolean("deleted", true);
        if (message.Moderated)
            w.WriteBoolean("moderated", true);
        if (message.Reactions is { Count: > 0 } reactions)
        {
            w.WriteStartArray("reactions");
            foreach (var reaction in reactions)
            {
                w.WriteStartObject();
                w.WriteString("emoji", reaction.Emoji);
                w.WriteNumber("count", reaction.Count);
                w.WriteStartArray("users");
                foreach (var user in reaction.Users)
                    w.WriteStringValue(user);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
    });

    /// <param name="rev">The revision of the stored event; 0 leaves it out.</param>
    public static byte[] Ack(string room, string id, long seq, DateTimeOffset timestamp, long rev = 0) => Write(w =>
    {
        w.WriteString("type", "ack");
        w.WriteString("room", room);
        w.WriteString("id", id);
        w.WriteNumber("seq", seq);
        w.WriteString("ts", FormatTimestamp(timestamp));
        if (rev > 0)
            w.WriteNumber("rev", rev);
    });

    public static byte[] Edited(string room, long seq, long rev, string text, DateTimeOffset editedAt) => Write(w =>
    {
        w.WriteString("type", "edited");
        w.WriteString("room", room);
        w.WriteNumber("seq", seq);
        w.WriteNumber("rev", rev);
        w.WriteString("text", text);
        w.WriteString("editedAt", FormatTimestamp(editedAt));
    });

    /// <summary>A page of a search: each hit with where the query's words are in its text, and where the next page starts.</summary>
    public static byte[] Results(string id, Storage.SearchPage page, Search.SearchQuery query) => Write(w =>
    {
        w.WriteString("type", "results");
        w.WriteString("id", id);
        w.WriteStartArray("results");
        foreach (var hit in page.Hits)
        {
            w.WriteStartObject();
            w.WriteString("room", hit.Room);
            w.WriteNumber("seq", hit.Seq);
            w.WriteString("from", hit.From);
            w.WriteString("text", hit.Text);
            w.WriteString("ts", FormatTimestamp(hit.Timestamp));
            w.WriteStartArray("marks");
            foreach (var (start, end) in query.Marks(hit.Text))
            {
                w.WriteStartArray();
                w.WriteNumberValue(start);
                w.WriteNumberValue(end);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (page.Next is { } next)
            w.WriteString("next", next);
    });

    /// <param name="moderated">Deleted by a moderator, not by its sender.</param>
    public static byte[] Deleted(string room, long seq, long rev, bool moderated = false) => Write(w =>
    {
        w.WriteString("type", "deleted");
        w.WriteString("room", room);
        w.WriteNumber("seq", seq);
        w.WriteNumber("rev", rev);
        if (moderated)
            w.WriteBoolean("moderated", true);
    });

    /// <param name="count">How many reactions with the emoji the message has after this one.</param>
    public static byte[] Reaction(string room, long seq, long rev, string user, string emoji, bool added, int count) => Write(w =>
    {
        w.WriteString("type", "reaction");
        w.WriteString("room", room);
        w.WriteNumber("seq", seq);
        w.WriteNumber("rev", rev);
        w.WriteString("user", user);
        w.WriteString("emoji", emoji);
        w.WriteString("op", added ? "add" : "remove");
        w.WriteNumber("count", count);
    });
}
