using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// The rooms one connection is in, and when what they have not answered goes again. Messages to a room can be lost
/// while its node dies and before the cluster knows; rooms drop repeated joins and sends by (user, id), so a retry
/// is harmless.
/// </summary>
internal sealed class RoomSessions(string user, ConnectionSettings settings, TimeProvider clock)
{
    /// <summary>The first wait before an unanswered join goes again; each further one waits twice as long.</summary>
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);

    private readonly Dictionary<string, RoomSession> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public IEnumerable<RoomSession> All => _sessions.Values;

    public long Now => clock.GetTimestamp();

    public bool TryGet(string room, out RoomSession session) => _sessions.TryGetValue(room, out session!);

    public bool Contains(string room) => _sessions.ContainsKey(room);

    public RoomSession Add(string room, long? since, IActorRef hub) => _sessions[room] = new RoomSession(room, since, hub);

    public bool Remove(string room, out RoomSession session) => _sessions.Remove(room, out session!);

    /// <summary>
    /// The wait before attempt <paramref name="attempt"/> (from 0) of something unanswered goes again: 0.25, 0.5, 1,
    /// 2 s... up to the retry interval.
    /// </summary>
    public TimeSpan Backoff(int attempt)
    {
        var wait = FirstRetry * Math.Pow(2, Math.Clamp(attempt, 0, 16));
        return wait < settings.RetryInterval ? wait : settings.RetryInterval;
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * clock.TimestampFrequency);

    // A join goes again sooner than a send. The rejoin sent the moment a room's node is lost can reach this node's
    // shard region before the region has learned of the loss, and be forwarded to the dead node; waiting the whole
    // retry interval for the next one would add seconds to every failover.
    private long JoinRetryAfter(RoomSession session) => Ticks(Backoff(session.JoinAttempts - 1));

    /// <summary>
    /// What is due at <paramref name="now"/>: the joins and sends to go again, and the ids of sends past the send
    /// deadline, whose outcome is unknown (given up). <c>Waiting</c> is false once nothing awaits an answer.
    /// </summary>
    public (List<IRoomCommand> Resend, List<string> Expired, bool Waiting) Due(long now)
    {
        var resend = new List<IRoomCommand>();
        var expired = new List<string>();
        var waiting = false;
        foreach (var session in _sessions.Values)
        {
            expired.AddRange(session.Expire(now, Ticks(settings.SendDeadline)));
            if (session.Incarnation is null)
            {
                waiting = true;
                if (now - session.JoinSentAt >= JoinRetryAfter(session))
                    resend.Add(session.JoinCommand(user, now));
            }
            else if (session.HasUnacked)
            {
                waiting = true;
                resend.AddRange(session.Due(now, Ticks(settings.RetryInterval)));
            }
        }
        return (resend, expired, waiting);
    }

    /// <summary>How long until the next unanswered join falls due; null when no join awaits its answer.</summary>
    public TimeSpan? NextJoinDue(long now)
    {
        long? due = null;
        foreach (var session in _sessions.Values)
        {
            if (session.Incarnation is null)
            {
                var at = session.JoinSentAt + JoinRetryAfter(session);
                due = due is null ? at : Math.Min(due.Value, at);
            }
        }
        return due is null ? null : clock.GetElapsedTime(now, Math.Max(now, due.Value));
    }
}
