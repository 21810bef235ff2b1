using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorChat.Protocol;

namespace ActorChat.Host.Tests;

/// <summary>
/// docs/PROTOCOL.md is what other people write clients from: every frame type the server reads or writes, and every
/// error code it answers with, is in one of its tables or lists.
/// </summary>
public sealed partial class ProtocolDocsTests
{
    private static readonly string Document = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PROTOCOL.md"));

    // A table row naming a frame type: | `type` | or | `type` (extended) |.
    private static readonly HashSet<string> DocumentedTypes =
        [.. TableRow().Matches(Document).Select(match => match.Groups[1].Value)];

    [Fact]
    public void Every_frame_type_a_client_may_send_is_documented()
    {
        var missing = FrameParser.Types.Where(type => !DocumentedTypes.Contains(type)).ToList();

        Assert.True(missing.Count == 0, $"not in docs/PROTOCOL.md: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_frame_type_the_server_sends_is_documented()
    {
        var types = ServerFrameTypes().ToList();
        var missing = types.Where(type => !DocumentedTypes.Contains(type)).ToList();

        Assert.Contains("edited", types);
        Assert.True(missing.Count == 0, $"not in docs/PROTOCOL.md: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_error_code_is_documented()
    {
        var codes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral)
            .Select(field => (string)field.GetRawConstantValue()!)
            .ToList();
        var missing = codes.Where(code => !Document.Contains($"`{code}`", StringComparison.Ordinal)).ToList();

        Assert.Contains("not_found", codes);
        Assert.True(missing.Count == 0, $"not in docs/PROTOCOL.md: {string.Join(", ", missing)}");
    }

    /// <summary>The type of every frame <see cref="ServerFrames"/> can write, each written once with sample arguments.</summary>
    private static IEnumerable<string> ServerFrameTypes()
    {
        yield return TypeOf(ServerFrames.Pong);
        foreach (var method in typeof(ServerFrames).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == typeof(byte[])))
        {
            var arguments = method.GetParameters().Select(parameter => Sample(parameter.ParameterType)).ToArray();
            yield return TypeOf((byte[])method.Invoke(null, arguments)!);
        }
    }

    private static object? Sample(Type type) => type switch
    {
        _ when type == typeof(string) => "x",
        _ when type == typeof(long) => 1L,
        _ when type == typeof(int) => 1,
        _ when type == typeof(bool) => true,
        _ when type == typeof(DateTimeOffset) => DateTimeOffset.UnixEpoch,
        _ when type == typeof(ChatMessage) => new ChatMessage(1, "id", "alice", "hi", DateTimeOffset.UnixEpoch),
        _ when type == typeof(ProtocolError) => new ProtocolError(ErrorCodes.Internal, "x"),
        _ when type == typeof(ActorChat.Storage.SearchPage) => new ActorChat.Storage.SearchPage([], null),
        _ when type == typeof(ActorChat.Search.SearchQuery) => ActorChat.Search.SearchQuery.Parse("fox").Query,
        _ when type == typeof(ActorChat.Storage.ReportRow) => new ActorChat.Storage.ReportRow("lobby", 1, "bob", "alice", "spam", DateTimeOffset.UnixEpoch),
        _ when type == typeof(ActorChat.Accounts.AccountSuspension) => new ActorChat.Accounts.AccountSuspension("bob", true),
        _ when type == typeof(ActorChat.Accounts.UserProfile) => new ActorChat.Accounts.UserProfile("bob", "Bob", null, null, 1),
        _ when type.IsAssignableFrom(typeof(ActorChat.Accounts.UserProfile[])) => Array.Empty<ActorChat.Accounts.UserProfile>(),
        _ when type == typeof(ActorChat.Rooms.IModerationChange) => new ActorChat.Rooms.SlowModeSet("id", "alice", 5, DateTimeOffset.UnixEpoch),
        _ when type.IsAssignableFrom(typeof(string[])) => Array.Empty<string>(),
        _ when type.IsAssignableFrom(typeof(byte[][])) => Array.Empty<byte[]>(),
        _ when type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) => Array.CreateInstance(type.GetGenericArguments()[0], 0),
        _ => null,
    };

    private static string TypeOf(byte[] frame) => JsonDocument.Parse(frame).RootElement.GetProperty("type").GetString()!;

    [GeneratedRegex(@"^\| `([a-z_]+)`(?: \(extended\))? \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
