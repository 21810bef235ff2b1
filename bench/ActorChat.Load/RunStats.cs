using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;

namespace ActorChat.Load;

/// <summary>What every connection of a run records into: latencies, errors and unexpected closes.</summary>
internal sealed class RunStats(uint run)
{
    private const int MaxSamples = 20;
    private readonly ConcurrentDictionary<string, int> _errorKinds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _closeCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _samples = new();
    private volatile bool _stopping;
    private int _errors;
    private int _slowConsumerCloses;
    private int _otherCloses;
    private long _foreign;
    private int _drops;
    private int _reconnects;
    private int _attempts;
    private int _notBack;
    private int _unavailable;
    private long _resent;

    /// <summary>This run's number, carried in every message text and id; messages of other runs are ignored.</summary>
    public uint Run { get; } = run;

    /// <summary>The timetable; set before the first message is sent.</summary>
    public Schedule Schedule { get; set; } = new(0, 0, 0, 1, 1);

    /// <summary>Set once the run closes its connections: closes and failures from then on are expected.</summary>
    public bool Stopping
    {
        get => _stopping;
        set => _stopping = value;
    }

    public LatencyRecorder ConnectAndJoin { get; } = new();
    public LatencyRecorder DeliveryFromSchedule { get; } = new();
    public LatencyRecorder DeliveryFromSend { get; } = new();
    public LatencyRecorder AckFromSend { get; } = new();
    public LatencyRecorder SendLag { get; } = new();

    /// <summary>With reconnects: from a socket's close or drop until its connection joined its room again.</summary>
    public LatencyRecorder TimeBack { get; } = new();

    public int Errors => Volatile.Read(ref _errors);
    public int SlowConsumerCloses => Volatile.Read(ref _slowConsumerCloses);
    public int OtherCloses => Volatile.Read(ref _otherCloses);
    public long Foreign => Interlocked.Read(ref _foreign);
    public int Drops => Volatile.Read(ref _drops);
    public int Reconnects => Volatile.Read(ref _reconnects);
    public int ReconnectAttempts => Volatile.Read(ref _attempts);
    public int NotBackCount => Volatile.Read(ref _notBack);
    public int UnavailableCount => Volatile.Read(ref _unavailable);
    public long ResentCount => Interlocked.Read(ref _resent);
    public IReadOnlyDictionary<string, int> ErrorKinds => new SortedDictionary<string, int>(_errorKinds, StringComparer.Ordinal);
    public IReadOnlyDictionary<string, int> CloseCodes => new SortedDictionary<string, int>(_closeCodes, StringComparer.Ordinal);
    public IReadOnlyList<string> ErrorSamples => [.. _samples];

    /// <summary>An error: an <c>error</c> frame (kind <c>error:&lt;code&gt;</c>), a failed send or receive, a broken guarantee.</summary>
    public void Error(string kind, string detail)
    {
        Interlocked.Increment(ref _errors);
        _errorKinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Sample(detail);
    }

    /// <summary>The server closed a connection (<paramref name="status"/> null: the connection broke without a close frame).</summary>
    public void Closed(WebSocketCloseStatus? status, string detail)
    {
        if (status == (WebSocketCloseStatus)1013)
            Interlocked.Increment(ref _slowConsumerCloses);
        else
            Interlocked.Increment(ref _otherCloses);
        var code = status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "none";
        _closeCodes.AddOrUpdate(code, 1, (_, n) => n + 1);
        Sample(detail);
    }

    /// <summary>
    /// With reconnects: the server closed a socket, or it dropped, and its connection reconnects. Counted by close
    /// code; a 1013 is still a slow consumer, and so a problem, the rest are what a node going away does.
    /// </summary>
    public void Dropped(WebSocketCloseStatus? status, string detail)
    {
        Interlocked.Increment(ref _drops);
        var code = status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "none";
        _closeCodes.AddOrUpdate(code, 1, (_, n) => n + 1);
        if (status == (WebSocketCloseStatus)1013)
        {
            Interlocked.Increment(ref _slowConsumerCloses);
            Sample(detail);
        }
    }

    /// <summary>A connection joined its room again, <paramref name="ticks"/> after it lost its socket, at its n-th attempt.</summary>
    public void Back(long ticks, int attempts)
    {
        Interlocked.Increment(ref _reconnects);
        Interlocked.Add(ref _attempts, attempts);
        TimeBack.RecordTicks(ticks);
    }

    /// <summary>A connection that lost its socket was still away when the run ended.</summary>
    public void NotBack(string detail)
    {
        Interlocked.Increment(ref _notBack);
        Sample(detail);
    }

    /// <summary>A send answered <c>unavailable</c> (outcome unknown), which the sender sends again with the same id.</summary>
    public void Unavailable(string detail)
    {
        Interlocked.Increment(ref _unavailable);
        Sample(detail);
    }

    /// <summary>Messages sent again after a reconnect because they were not acked.</summary>
    public void Resent(int count) => Interlocked.Add(ref _resent, count);

    /// <summary>A message of another run or another client in one of the rooms: not this run's, so not counted.</summary>
    public void CountForeign() => Interlocked.Increment(ref _foreign);

    private void Sample(string detail)
    {
        if (_samples.Count < MaxSamples)
            _samples.Enqueue(detail);
    }
}
