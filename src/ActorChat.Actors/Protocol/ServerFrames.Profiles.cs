using System.Text.Json;
using ActorChat.Accounts;

namespace ActorChat.Protocol;

// Version 2 frames of users' profiles.
public static partial class ServerFrames
{
    /// <summary>
    /// A user's profile: the answer to <c>profile</c>, and told to the user's other devices and to the members present
    /// in every room the user lists whenever it changes.
    /// </summary>
    public static byte[] Profile(UserProfile profile) => Write(w =>
    {
        w.WriteString("type", "profile");
        WriteProfileFields(w, profile);
    });

    /// <summary>The answer to <c>profiles</c>: the profiles of the users asked about who have one, in order of name.</summary>
    public static byte[] Profiles(IEnumerable<UserProfile> profiles) => Write(w =>
    {
        w.WriteString("type", "profiles");
        w.WriteStartArray("profiles");
        foreach (var profile in profiles)
        {
            w.WriteStartObject();
            WriteProfileFields(w, profile);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    private static void WriteProfileFields(Utf8JsonWriter w, UserProfile profile)
    {
        w.WriteString("user", profile.User);
        w.WriteString("name", profile.Name);
        w.WriteString("status", profile.Status);
        if (profile.Avatar is { } avatar)
        {
            w.WriteStartObject("avatar");
            w.WriteString("id", avatar);
            w.WriteString("url", AvatarUrl(avatar));
            w.WriteString("thumbnailUrl", AvatarUrl(avatar) + "/thumbnail");
            w.WriteEndObject();
        }
        else
            w.WriteNull("avatar");
        w.WriteNumber("rev", profile.Rev);
    }

    private static string AvatarUrl(string id) => "/api/attachments/" + id;
}
