namespace ActorChat.Protocol;

/// <summary>
/// The photo a message carries, as the message names it: the stored photo's id and what a reader needs to lay it out
/// before fetching it. The bytes stay in the attachment store; <c>url</c> and <c>thumbnailUrl</c> are derived from the id.
/// </summary>
public sealed record MessageAttachment(string Id, string ContentType, long Size, int Width, int Height)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string Url => "/api/attachments/" + Id;

    [System.Text.Json.Serialization.JsonIgnore]
    public string ThumbnailUrl => Url + "/thumbnail";

    /// <summary>An attachment id as the upload gave it: 32 lower-case hex digits.</summary>
    public static bool IsValidId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);
}
