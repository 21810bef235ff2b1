using System.Text;
using System.Text.Json;
using ActorChat.Rooms;

namespace ActorChat.Protocol;

/// <summary>Turns one text frame into a typed, validated <see cref="ClientFrame"/>, or the precise error for it.</summary>
public static class FrameParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    private static readonly Dictionary<string, Func<JsonElement, ClientFrame>> Parsers = new()
    {
        ["join"] = ParseJoin,
        ["leave"] = root => new LeaveFrame(RoomOf(root)),
        ["send"] = ParseSend,
        ["edit"] = root => ParseChange(root, ChangeKind.Edit),
        ["delete"] = root => ParseChange(root, ChangeKind.Delete),
        ["react"] = root => ParseChange(root, ChangeKind.React),
        ["unreact"] = root => ParseChange(root, ChangeKind.Unreact),
        ["create"] = ParseCreate,
        ["invite"] = root => new MembershipFrame(RoomOf(root), UserOf(root), Invite: true),
        ["remove"] = root => new MembershipFrame(RoomOf(root), UserOf(root), Invite: false),
        ["role"] = root => ParseModeration(root, ModerationAction.Role),
        ["kick"] = root => ParseModeration(root, ModerationAction.Kick),
        ["ban"] = root => ParseModeration(root, ModerationAction.Ban),
        ["unban"] = root => ParseModeration(root, ModerationAction.Unban),
        ["mute"] = root => ParseModeration(root, ModerationAction.Mute),
        ["unmute"] = root => ParseModeration(root, ModerationAction.Unmute),
        ["slowmode"] = root => ParseModeration(root, ModerationAction.SlowMode),
        ["moderation_log"] = root => new ModerationLogFrame(RoomOf(root), OptionalCount(root, "before", min: 1),
            (int)(OptionalCount(root, "limit", min: 1, max: Limits.MaxHistoryLimit) ?? Limits.DefaultHistoryLimit)),
        ["report"] = ParseReport,
        ["reports"] = root => new ReportsFrame(OptionalString(root, "room") is null ? null : RoomOf(root), OptionalTime(root, "before", "before"),
            (int)(OptionalCount(root, "limit", min: 1, max: Limits.MaxHistoryLimit) ?? Limits.DefaultHistoryLimit), OptionalFlag(root, "open")),
        ["resolve"] = root => new ResolveFrame(RoomOf(root), ClientId(root), RequiredCount(root, "seq", min: 1)),
        ["search"] = ParseSearch,
        ["block"] = root => new BlockFrame(UserOf(root), Block: true),
        ["unblock"] = root => new BlockFrame(UserOf(root), Block: false),
        ["blocks"] = _ => BlocksFrame.Instance,
        ["profile"] = ParseProfile,
        ["profiles"] = ParseProfiles,
        ["suspend"] = root => ParseSuspend(root, suspend: true),
        ["unsuspend"] = root => ParseSuspend(root, suspend: false),
        ["dm"] = root => new DirectFrame(UserOf(root)),
        ["rooms"] = _ => RoomsFrame.Instance,
        ["forget"] = root => new ForgetFrame(RoomOf(root)),
        ["notify"] = ParseNotify,
        ["directory"] = ParseDirectory,
        ["typing"] = root => new TypingFrame(RoomOf(root)),
        ["read"] = root => new ReadFrame(RoomOf(root), RequiredCount(root, "seq", min: 0)),
        ["received"] = root => new ReceivedFrame(RoomOf(root), RequiredCount(root, "seq", min: 0)),
        ["history"] = ParseHistory,
        ["ping"] = _ => PingFrame.Instance,
        ["refresh"] = root => new RefreshFrame(RequiredString(root, "token")),
    };

    /// <summary>Every frame type a client may send.</summary>
    public static IEnumerable<string> Types => Parsers.Keys;

    public static ClientFrame Parse(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException)
        {
            return Reject(ErrorCodes.BadFrame, "frame is not valid JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Reject(ErrorCodes.BadFrame, "frame must be a JSON object");
            if (!root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                return Reject(ErrorCodes.BadFrame, "field 'type' must be a string");

            try
            {
                var name = type.GetString() ?? "";
                return Parsers.TryGetValue(name, out var parse)
                    ? parse(root)
                    : Reject(ErrorCodes.UnknownType, $"unknown frame type '{Truncate(name)}'");
            }
            catch (FrameRejection rejection)
            {
                return new RejectedFrame(rejection.Error);
            }
            catch (InvalidOperationException)
            {
                // A JSON string escaping a lone surrogate (e.g. "\ud800") is well-formed JSON but no valid text.
                return Reject(ErrorCodes.BadFrame, "strings must be valid Unicode text");
            }
#pragma warning disable CA1031 // The socket's trust boundary: no input may take the connection down.
            catch (Exception)
            {
                return Reject(ErrorCodes.Internal, "the frame could not be processed");
            }
#pragma warning restore CA1031
        }
    }

    private static JoinFrame ParseJoin(JsonElement root) =>
        new(RoomOf(root), OptionalCount(root, "since", min: 0), OptionalCount(root, "rev", min: 0));

    private static DirectoryFrame ParseDirectory(JsonElement root)
    {
        var prefix = OptionalString(root, "prefix") ?? "";
        // A prefix of a room name is a room name, or nothing.
        if (prefix.Length > 0 && !Limits.IsValidRoom(prefix))
            throw new FrameRejection(ErrorCodes.InvalidRoom, "field 'prefix' must be the start of a room name: up to 64 characters of a-z 0-9 _ -", Truncate(prefix));
        var after = OptionalString(root, "after");
        if (after is not null && !Limits.IsValidRoom(after))
            throw new FrameRejection(ErrorCodes.InvalidRoom, "field 'after' must be a room name", Truncate(after));
        var limit = OptionalCount(root, "limit", min: 1, max: Limits.MaxDirectoryLimit) ?? Limits.DefaultDirectoryLimit;
        return new DirectoryFrame(prefix, after, (int)limit);
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new FrameRejection(ErrorCodes.BadFrame, $"field '{name}' must be a string");
    }

    private static HistoryFrame ParseHistory(JsonElement root)
    {
        var room = RoomOf(root);
        var before = OptionalCount(root, "before", min: 1);
        var limit = OptionalCount(root, "limit", min: 1, max: Limits.MaxHistoryLimit) ?? Limits.DefaultHistoryLimit;
        return new HistoryFrame(room, before, (int)limit);
    }

    private static SendFrame ParseSend(JsonElement root)
    {
        var room = RoomOf(root);
        var id = ClientId(root);
        string? attachment = null;
        if (root.TryGetProperty("attachment", out var value) && value.ValueKind != JsonValueKind.Null)
        {
            attachment = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
            if (!MessageAttachment.IsValidId(attachment))
                throw new FrameRejection(ErrorCodes.BadFrame, "field 'attachment' must be the id an upload answered with", id);
        }
        return new SendFrame(room, id, Text(root, id, allowEmpty: attachment is not null), OptionalCount(root, "replyTo", min: 1, reference: id), attachment);
    }

    private static ModerationFrame ParseModeration(JsonElement root, ModerationAction action)
    {
        var room = RoomOf(root);
        var id = ClientId(root);
        var user = action == ModerationAction.SlowMode ? "" : UserOf(root);
        string? role = null;
        if (action == ModerationAction.Role)
        {
            role = OptionalString(root, "role");
            if (Rooms.RoomModeration.Parse(role) is null)
                throw new FrameRejection(ErrorCodes.BadFrame, "field 'role' must be owner, moderator or member", id);
        }
        DateTimeOffset? until = null;
        if (action is ModerationAction.Ban or ModerationAction.Mute)
        {
            until = OptionalTime(root, "until", id);
            if (until is null && action == ModerationAction.Mute)
                throw new FrameRejection(ErrorCodes.BadFrame, "a mute needs field 'until': when it ends", id);
        }
        var reason = action is ModerationAction.Kick or ModerationAction.Ban or ModerationAction.Mute ? OptionalString(root, "reason") ?? "" : "";
        if (CountCharacters(reason) > Limits.MaxReasonLength)
            throw new FrameRejection(ErrorCodes.TooLarge, $"field 'reason' must be at most {Limits.MaxReasonLength} characters", id);
        var seconds = action == ModerationAction.SlowMode
            ? (int)(OptionalCount(root, "seconds", min: 0, max: ModerationChanges.MaxSlowModeSeconds, reference: id)
                ?? throw new FrameRejection(ErrorCodes.BadFrame, $"field 'seconds' must be an integer from 0 (off) to {ModerationChanges.MaxSlowModeSeconds}", id))
            : 0;
        return new ModerationFrame(room, id, action, user, role, until, reason, seconds);
    }

    /// <summary>The most hits one page of a search holds, and how many when the client does not say.</summary>
    public const int MaxSearchLimit = 50, DefaultSearchLimit = 20;

    private static SearchFrame ParseSearch(JsonElement root)
    {
        var id = ClientId(root);
        var text = RequiredString(root, "query");
        if (text.Length > Search.SearchQuery.MaxLength)
            throw new FrameRejection(ErrorCodes.TooLarge, $"field 'query' must be at most {Search.SearchQuery.MaxLength} characters", id);
        var (query, problem) = Search.SearchQuery.Parse(text);
        if (query is null)
            throw new FrameRejection(ErrorCodes.BadFrame, problem!, id);
        var after = OptionalString(root, "after");
        var limit = (int)(OptionalCount(root, "limit", min: 1, max: MaxSearchLimit, reference: id) ?? DefaultSearchLimit);
        return new SearchFrame(id, query, after, limit);
    }

    private static ReportFrame ParseReport(JsonElement root)
    {
        var room = RoomOf(root);
        var id = ClientId(root);
        var seq = RequiredCount(root, "seq", min: 1);
        var reason = OptionalString(root, "reason") ?? "";
        if (CountCharacters(reason) > Limits.MaxReasonLength)
            throw new FrameRejection(ErrorCodes.TooLarge, $"field 'reason' must be at most {Limits.MaxReasonLength} characters", id);
        return new ReportFrame(room, id, seq, reason);
    }

    private static SuspendFrame ParseSuspend(JsonElement root, bool suspend)
    {
        var id = ClientId(root);
        var user = UserOf(root);
        var until = suspend ? OptionalTime(root, "until", id) : null;
        var reason = suspend ? OptionalString(root, "reason") ?? "" : "";
        if (CountCharacters(reason) > Limits.MaxReasonLength)
            throw new FrameRejection(ErrorCodes.TooLarge, $"field 'reason' must be at most {Limits.MaxReasonLength} characters", id);
        return new SuspendFrame(id, user, suspend, reason, until);
    }

    private static DateTimeOffset? OptionalTime(JsonElement root, string field, string reference) =>
        OptionalString(root, field) is not { } text ? null
        : DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : throw new FrameRejection(ErrorCodes.BadFrame, $"field '{field}' must be a time in ISO 8601, such as 2026-12-24T18:00:00Z", reference);

    private static ChangeFrame ParseChange(JsonElement root, ChangeKind kind)
    {
        var room = RoomOf(root);
        var id = ClientId(root);
        var seq = OptionalCount(root, "seq", min: 1, reference: id) ?? throw new FrameRejection(ErrorCodes.BadFrame, "field 'seq' must be an integer", id);
        var value = kind switch
        {
            ChangeKind.Edit => Text(root, id),
            ChangeKind.Delete => "",
            _ => Emoji(root, id),
        };
        return new ChangeFrame(room, id, seq, kind, value);
    }

    private static string ClientId(JsonElement root)
    {
        var id = RequiredString(root, "id");
        if (id.Length is 0 or > Limits.MaxClientIdLength)
            throw new FrameRejection(ErrorCodes.BadFrame, $"field 'id' must be 1 to {Limits.MaxClientIdLength} characters", Truncate(id));
        return id;
    }

    /// <param name="allowEmpty">A message with a photo may have no text.</param>
    private static string Text(JsonElement root, string id, bool allowEmpty = false)
    {
        if (allowEmpty && (!root.TryGetProperty("text", out var given) || given.ValueKind == JsonValueKind.Null))
            return "";
        var text = RequiredString(root, "text", id);
        var length = CountCharacters(text);
        if (length == 0 && !allowEmpty)
            throw new FrameRejection(ErrorCodes.BadFrame, "field 'text' must not be empty", id);
        if (length > Limits.MaxTextLength)
            throw new FrameRejection(ErrorCodes.TooLarge, $"field 'text' is longer than {Limits.MaxTextLength} characters", id);
        return text;
    }

    private static string Emoji(JsonElement root, string id)
    {
        var emoji = RequiredString(root, "emoji", id);
        if (!Limits.IsValidReaction(emoji))
            throw new FrameRejection(ErrorCodes.BadFrame, $"field 'emoji' must be one emoji of at most {Limits.MaxReactionBytes} bytes", id);
        return emoji;
    }

    // Each field given is set (null or empty clears it); each left out stays as it is.
    private static ProfileFrame ParseProfile(JsonElement root)
    {
        var (setName, name) = ProfileField(root, "name", Accounts.ProfileText.MaxNameLength);
        var (setStatus, status) = ProfileField(root, "status", Accounts.ProfileText.MaxStatusLength);
        var setAvatar = root.TryGetProperty("avatar", out var given);
        string? avatar = null;
        if (setAvatar && given.ValueKind != JsonValueKind.Null)
        {
            avatar = given.ValueKind == JsonValueKind.String ? given.GetString()! : "";
            if (!MessageAttachment.IsValidId(avatar))
                throw new FrameRejection(ErrorCodes.BadFrame, "field 'avatar' must be the id an upload answered with, or null");
        }
        if (!setName && !setStatus && !setAvatar)
            throw new FrameRejection(ErrorCodes.BadFrame, "a profile change names at least one of 'name', 'status' and 'avatar'");
        return new ProfileFrame(new Accounts.ProfileEdit(setName, name, setStatus, status, setAvatar, avatar));
    }

    private static (bool Set, string? Text) ProfileField(JsonElement root, string field, int max)
    {
        if (!root.TryGetProperty(field, out var value))
            return (false, null);
        if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            throw new FrameRejection(ErrorCodes.BadFrame, $"field '{field}' must be a string or null");
        var given = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        // One line, and no character that turns the text around it (a name stands beside other people's words).
        if (given.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069')))
            throw new FrameRejection(ErrorCodes.BadFrame, $"field '{field}' must be one line of text, without direction controls");
        // Trimmed; empty clears the field. Characters as the user sees them, and at most four code units each.
        var text = given.Trim();
        if (text.Length == 0)
            return (true, null);
        if (new System.Globalization.StringInfo(text).LengthInTextElements > max || text.Length > max * 4)
            throw new FrameRejection(ErrorCodes.TooLarge, $"field '{field}' is longer than {max} characters");
        return (true, text);
    }

    private static ProfilesFrame ParseProfiles(JsonElement root)
    {
        if (!root.TryGetProperty("users", out var users) || users.ValueKind != JsonValueKind.Array)
            throw new FrameRejection(ErrorCodes.BadFrame, "field 'users' must be an array of usernames");
        var count = users.GetArrayLength();
        if (count is 0 or > Storage.ProfileRows.MaxLookup)
            throw new FrameRejection(ErrorCodes.BadFrame, $"field 'users' must name 1 to {Storage.ProfileRows.MaxLookup} users");
        var names = new List<string>(count);
        foreach (var user in users.EnumerateArray())
        {
            var name = user.ValueKind == JsonValueKind.String ? user.GetString()! : "";
            if (!Accounts.Usernames.IsValid(name))
                throw new FrameRejection(ErrorCodes.BadFrame, "field 'users' must hold usernames: 3 to 32 characters of A-Z a-z 0-9 _ . -", Truncate(name));
            names.Add(name);
        }
        return new ProfilesFrame(names);
    }

    private static NotifyFrame ParseNotify(JsonElement root)
    {
        var room = RoomOf(root);
        return new NotifyFrame(room, RoomNotifyNames.Parse(OptionalString(root, "level"))
            ?? throw new FrameRejection(ErrorCodes.BadFrame, "field 'level' must be all, mentions or muted", room));
    }

    private static bool OptionalFlag(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return false;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new FrameRejection(ErrorCodes.BadFrame, $"field '{name}' must be true or false"),
        };
    }

    private static string RoomOf(JsonElement root)
    {
        var room = RequiredString(root, "room");
        if (!Limits.IsValidRoomOrDirect(room))
            throw new FrameRejection(ErrorCodes.InvalidRoom, "room names are 1 to 64 characters of a-z 0-9 _ -, or a direct room's dm:user:user", Truncate(room));
        return room;
    }

    private static CreateFrame ParseCreate(JsonElement root)
    {
        var room = RequiredString(root, "room");
        if (!Limits.IsValidRoom(room))
            throw new FrameRejection(ErrorCodes.InvalidRoom, "room names are 1 to 64 characters of a-z 0-9 _ -", Truncate(room));
        var isPrivate = false;
        if (root.TryGetProperty("private", out var value) && value.ValueKind != JsonValueKind.Null)
        {
            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                throw new FrameRejection(ErrorCodes.BadFrame, "field 'private' must be true or false", room);
            isPrivate = value.GetBoolean();
        }
        return new CreateFrame(room, isPrivate);
    }

    private static string UserOf(JsonElement root)
    {
        var user = RequiredString(root, "user");
        if (!Accounts.Usernames.IsValid(user))
            throw new FrameRejection(ErrorCodes.BadFrame, "field 'user' must be a username: 3 to 32 characters of A-Z a-z 0-9 _ . -", Truncate(user));
        return user;
    }

    private static string RequiredString(JsonElement root, string name, string? reference = null)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
            throw new FrameRejection(ErrorCodes.BadFrame, $"field '{name}' must be a string", reference);
        return value.GetString()!;
    }

    private static long RequiredCount(JsonElement root, string name, long min) =>
        OptionalCount(root, name, min) ?? throw new FrameRejection(ErrorCodes.BadFrame, $"field '{name}' must be an integer");

    private static long? OptionalCount(JsonElement root, string name, long min, long max = long.MaxValue, string? reference = null)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < min || number > max)
        {
            var range = max == long.MaxValue ? $"at least {min}" : $"from {min} to {max}";
            throw new FrameRejection(ErrorCodes.BadFrame, $"field '{name}' must be an integer {range}", reference);
        }
        return number;
    }

    /// <summary>Text length in Unicode code points, so an emoji counts once whatever its UTF-16 size.</summary>
    private static int CountCharacters(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
            count++;
        return count;
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64];

    private static RejectedFrame Reject(string code, string message) => new(new ProtocolError(code, message));

    private sealed class FrameRejection(string code, string message, string? reference = null) : Exception(message)
    {
        public ProtocolError Error { get; } = new(code, message, reference);
    }

    /// <summary>True when the bytes are well-formed UTF-8 (the socket closes with 1007 otherwise).</summary>
    public static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);
}
