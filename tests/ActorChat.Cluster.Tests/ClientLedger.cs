using System.Text.Json;

namespace ActorChat.Cluster.Tests;

/// <summary>
/// What a <see cref="ResumingClient"/> was told and still owes, safe to read from the test while frames arrive: per
/// room the seqs seen and the last one, its sends not acknowledged yet (in the order they were made) and the acks,
/// how long each resume took, and anything that broke the guarantees: a message seen twice or out of seq order, an ack
/// repeated or contradicted, an <c>error</c> (<c>unavailable</c> among them), its own message echoed.
/// </summary>
public sealed class ClientLedger
{
    private readonly Lock _lock = new();
    private readonly string _user;
    private readonly Dictionary<string, long> _lastSeq = [];
    private readonly Dictionary<string, HashSet<long>> _seen = [];
    private readonly List<(string Room, string Id, string Text)> _unacked = [];
    private readonly Dictionary<(string Room, string Id), long> _acked = [];
    private readonly List<string> _problems = [];
    private readonly List<TimeSpan> _timesBack = [];

    public ClientLedger(string user, IEnumerable<string> rooms)
    {
        _user = user;
        foreach (var room in rooms)
            (_lastSeq[room], _seen[room]) = (0, []);
    }

    public int AckedCount { get { lock (_lock) return _acked.Count; } }
    public int UnackedCount { get { lock (_lock) return _unacked.Count; } }
    public IReadOnlyDictionary<(string Room, string Id), long> Acked { get { lock (_lock) return new Dictionary<(string, string), long>(_acked); } }
    public IReadOnlyList<string> Problems { get { lock (_lock) return [.. _problems]; } }
    public IReadOnlyList<TimeSpan> TimesBack { get { lock (_lock) return [.. _timesBack]; } }

    public IReadOnlySet<long> Seen(string room) { lock (_lock) return new HashSet<long>(_seen[room]); }

    /// <summary>The highest seq of another user's message seen in the room: a resume replays what came after it.</summary>
    public long LastSeq(string room) { lock (_lock) return _lastSeq[room]; }

    public IReadOnlyList<(string Room, string Id, string Text)> Unacked { get { lock (_lock) return [.. _unacked]; } }

    public (string Room, string Id, string Text) UnackedSend(string id) { lock (_lock) return _unacked.Find(send => send.Id == id); }

    public void Sending(string room, string id, string text) { lock (_lock) _unacked.Add((room, id, text)); }

    public void Back(TimeSpan after) { lock (_lock) _timesBack.Add(after); }

    /// <summary>Notes a server frame; returns the id of a send answered <c>unavailable</c>, which the client sends again.</summary>
    public string? Record(JsonElement frame)
    {
        switch (frame.GetProperty("type").GetString())
        {
            case "joined":
                foreach (var message in frame.GetProperty("messages").EnumerateArray())
                    See(frame.GetProperty("room").GetString()!, message, replayed: true);
                return null;
            case "message":
                See(frame.GetProperty("room").GetString()!, frame, replayed: false);
                return null;
            case "ack":
                Acknowledged(frame.GetProperty("room").GetString()!, frame.GetProperty("id").GetString()!, frame.GetProperty("seq").GetInt64());
                return null;
            case "error":
                Problem($"error: {frame}");
                return frame.GetProperty("code").GetString() == "unavailable" ? frame.GetProperty("ref").GetString() : null;
            default:
                return null;
        }
    }

    private void See(string room, JsonElement message, bool replayed)
    {
        var seq = message.GetProperty("seq").GetInt64();
        lock (_lock)
        {
            if (message.GetProperty("from").GetString() == _user)
            {
                // A resume's replay holds the client's own messages; the live stream never should.
                if (!replayed)
                    _problems.Add($"{room}: own message {seq} echoed");
                return;
            }
            if (!_seen[room].Add(seq))
                _problems.Add($"{room}: seq {seq} delivered twice ({(replayed ? "replayed" : "live")})");
            else if (seq <= _lastSeq[room])
                _problems.Add($"{room}: seq {seq} after seq {_lastSeq[room]}");
            _lastSeq[room] = Math.Max(_lastSeq[room], seq);
        }
    }

    private void Acknowledged(string room, string id, long seq)
    {
        lock (_lock)
        {
            if (_acked.TryGetValue((room, id), out var first))
                _problems.Add($"{room}: {id} acked again{(first == seq ? "" : $", at seq {seq} after {first}")}");
            _acked[(room, id)] = seq;
            _unacked.RemoveAll(send => send.Room == room && send.Id == id);
        }
    }

    private void Problem(string problem)
    {
        lock (_lock)
            _problems.Add(problem);
    }
}
