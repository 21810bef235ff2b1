using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Cluster.Tests;

/// <summary>
/// A client that remembers everything it was told: every seq it saw per room, every ack, and what it sent but
/// never had acknowledged, so it can resume elsewhere as a real client would (rejoin with since, resend by id).
/// </summary>
public sealed class TrackedClient : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Room, string Id), long> _acked = new();
    private readonly ConcurrentDictionary<(string Room, string Id), string> _unacked = new();
    private readonly ConcurrentDictionary<(string Room, string Id), object> _unackedModerations = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, JsonElement>> _seen = new();
    private readonly ConcurrentDictionary<string, int> _joinedCount = new();
    private ChatClient _client;
    private Task _receiving;

    private TrackedClient(ChatClient client, string user)
    {
        _client = client;
        User = user;
        _receiving = ReceiveAsync(client);
    }

    public string User { get; }

    public WebSocketCloseStatus? CloseStatus { get; private set; }

    public bool IsClosed => _receiving.IsCompleted;

    /// <summary>When a message carrying <paramref name="marker"/> in its text first arrived, per room.</summary>
    public ConcurrentDictionary<string, DateTime> FirstArrivalOf { get; } = new();

    public string? Marker { get; set; }

    public IReadOnlyDictionary<(string Room, string Id), long> Acked => _acked;

    /// <summary>When the first ack for a send whose id starts with <see cref="Marker"/> arrived, per room.</summary>
    public ConcurrentDictionary<string, DateTime> FirstAckOf { get; } = new();

    public int UnackedCount => _unacked.Count + _unackedModerations.Count;

    /// <summary>The revision each acknowledged moderation was stored at (or the room was at, when it changed nothing).</summary>
    public ConcurrentDictionary<(string Room, string Id), long> ModerationAcks { get; } = new();

    /// <summary>Acks of a moderation that came after its first ack (the server answers each once): none expected.</summary>
    public int RepeatedModerationAcks { get; private set; }

    /// <summary>Every frame that is not a message, ack or <c>joined</c> (moderation, left, error, moderation_log...), in order of arrival.</summary>
    public ConcurrentQueue<JsonElement> OtherFrames { get; } = new();

    /// <summary>
    /// Milliseconds from send to arrival of every live message whose text ends in <c>@</c> and the sender's Unix time
    /// in milliseconds (<see cref="Stamped"/>): the sender's and this client's clocks are the same machine's.
    /// </summary>
    public ConcurrentQueue<double> DeliveryMilliseconds { get; } = new();

    public static string Stamped(string text) => $"{text} @{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";

    /// <summary>Live <c>message</c> frames carrying this client's own messages (echo suppression says: none).</summary>
    public int OwnEchoes { get; private set; }

    public static async Task<TrackedClient> ConnectAsync(Func<Task<ChatClient>> connect, string user) => new(await connect(), user);

    public IReadOnlyCollection<long> SeenSeqs(string room) => _seen.TryGetValue(room, out var seen) ? (IReadOnlyCollection<long>)seen.Keys : [];

    public long LastSeq(string room) => SeenSeqs(room).DefaultIfEmpty(0).Max();

    /// <summary>The highest seq up to which this client has seen every message: where a resume must start from.</summary>
    public long GaplessSeq(string room)
    {
        var seen = _seen.TryGetValue(room, out var frames) ? frames : null;
        var seq = 0L;
        while (seen is not null && seen.ContainsKey(seq + 1))
            seq++;
        return seq;
    }

    /// <summary>Who sent the message this client saw at <paramref name="seq"/> and its id (its own, from the ack).</summary>
    public (string? From, string? Id) SenderAndIdAt(string room, long seq)
    {
        var frame = _seen[room][seq];
        return (frame.TryGetProperty("from", out var from) ? from.GetString() : User, frame.GetProperty("id").GetString());
    }

    public int JoinedCount(string room) => _joinedCount.GetValueOrDefault(room);

    public Task JoinAsync(string room, long? since = null) =>
        _client.SendAsync(since is null ? new { type = "join", room } : new { type = "join", room, since });

    /// <summary>Creates a public room, which makes this client's user its owner.</summary>
    public Task CreateAsync(string room) => _client.SendAsync(new { type = "create", room });

    /// <summary>Any other frame, sent as is (a <c>moderation_log</c>, say).</summary>
    public Task SendFrameAsync(object frame) => _client.SendAsync(frame);

    /// <summary>A moderation (<c>ban</c>, <c>kick</c>...) of <paramref name="member"/>, held until acked and sent again on a resume, as a send is.</summary>
    public async Task ModerateAsync(string room, string id, string action, string member, string reason)
    {
        var frame = new { type = action, room, id, user = member, reason };
        _unackedModerations[(room, id)] = frame;
        try
        {
            await _client.SendAsync(frame);
        }
        catch (WebSocketException)
        {
        }
    }

    public async Task SendAsync(string room, string id, string text)
    {
        _unacked[(room, id)] = text;
        try
        {
            await _client.SendAsync(new { type = "send", room, id, text });
        }
        catch (WebSocketException)
        {
            // The node is gone; the send stays unacknowledged and goes again after the move.
        }
    }

    /// <summary>Moves to another node: rejoins every room from the last seq seen and resends what was never acked.</summary>
    public async Task ResumeOnAsync(Func<Task<ChatClient>> connect, IEnumerable<string> rooms)
    {
        await _client.DisposeAsync();
        _client = await connect();
        _receiving = ReceiveAsync(_client);
        foreach (var room in rooms)
            await JoinAsync(room, GaplessSeq(room));
        foreach (var ((room, id), text) in _unacked)
            await _client.SendAsync(new { type = "send", room, id, text });
        foreach (var frame in _unackedModerations.Values)
            await _client.SendAsync(frame);
    }

    private async Task ReceiveAsync(ChatClient client)
    {
        try
        {
            while (await client.ReceiveAsync(TimeSpan.FromMinutes(5)) is { } frame)
                Record(frame);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        CloseStatus = client.CloseStatus;
    }

    private void Record(JsonElement frame)
    {
        switch (frame.GetProperty("type").GetString())
        {
            case "joined":
                var room = frame.GetProperty("room").GetString()!;
                _joinedCount.AddOrUpdate(room, 1, (_, n) => n + 1);
                foreach (var message in frame.GetProperty("messages").EnumerateArray())
                    See(room, message);
                break;
            case "message":
                if (frame.GetProperty("from").GetString() == User)
                    OwnEchoes++;
                var text = frame.GetProperty("text").GetString()!;
                var at = text.LastIndexOf(" @", StringComparison.Ordinal);
                if (at >= 0 && long.TryParse(text.AsSpan(at + 2), out var sent))
                    DeliveryMilliseconds.Enqueue(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - sent);
                See(frame.GetProperty("room").GetString()!, frame);
                break;
            // A moderation's ack: seq 0, it stored no message.
            case "ack" when frame.GetProperty("seq").GetInt64() == 0:
                var moderation = (frame.GetProperty("room").GetString()!, frame.GetProperty("id").GetString()!);
                if (!ModerationAcks.TryAdd(moderation, frame.GetProperty("rev").GetInt64()))
                    RepeatedModerationAcks++;
                _unackedModerations.TryRemove(moderation, out _);
                break;
            case "ack":
                var key = (frame.GetProperty("room").GetString()!, frame.GetProperty("id").GetString()!);
                _acked[key] = frame.GetProperty("seq").GetInt64();
                if (Marker is not null && key.Item2.StartsWith(Marker, StringComparison.Ordinal))
                    FirstAckOf.TryAdd(key.Item1, DateTime.UtcNow);
                _unacked.TryRemove(key, out _);
                _seen.GetOrAdd(key.Item1, _ => new()).TryAdd(frame.GetProperty("seq").GetInt64(), frame);
                break;
            default:
                OtherFrames.Enqueue(frame);
                break;
        }
    }

    private void See(string room, JsonElement message)
    {
        _seen.GetOrAdd(room, _ => new()).TryAdd(message.GetProperty("seq").GetInt64(), message);
        if (Marker is not null && message.GetProperty("text").GetString()!.Contains(Marker, StringComparison.Ordinal))
            FirstArrivalOf.TryAdd(room, DateTime.UtcNow);
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();
}
