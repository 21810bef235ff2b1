using System.Diagnostics;
using Akka.Actor;

namespace ActorChat.Storage;

/// <summary>How the journal's own writes have been going, as readiness reports it.</summary>
public enum StorageState
{
    /// <summary>Writes complete, the latest of them lately.</summary>
    Writing,

    /// <summary>No write lately to judge by: a probe write tells.</summary>
    Idle,

    /// <summary>A write has waited longer than it should (the database is locked, or its server hangs).</summary>
    Stalled,

    /// <summary>The latest writes failed, and none has succeeded since.</summary>
    Failing,
}

/// <summary>
/// This node's record of its journal writes: which are waiting and since when, and when writes last succeeded and
/// failed. Readiness judges storage by what the journal itself met, and needs no write of its own while the
/// journal is busy (on SQLite a probe would take the very lock the journal needs).
/// </summary>
public sealed class StorageHealth : IExtension
{
    /// <summary>A write waiting this long means storage is in trouble.</summary>
    public static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(5);

    /// <summary>How long a failure speaks for storage, unless a write succeeds first; after it, a probe decides.</summary>
    public static readonly TimeSpan FailureCounts = TimeSpan.FromSeconds(5);

    /// <summary>Without a write for this long, the journal's record says nothing: a probe decides.</summary>
    public static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(10);

    private readonly object _gate = new();
    private readonly Dictionary<long, long> _waiting = [];
    private long _next;
    private long _lastSuccess;
    private long _lastFailure;

    public static StorageHealth Get(ActorSystem system) => system.WithExtension<StorageHealth, Provider>();

    private sealed class Provider : ExtensionIdProvider<StorageHealth>
    {
        public override StorageHealth CreateExtension(ExtendedActorSystem system) => new();
    }

    /// <summary>Notes a write on its way; hand the answer to <see cref="Ended"/>.</summary>
    public long Started()
    {
        lock (_gate)
        {
            var id = ++_next;
            _waiting[id] = Stopwatch.GetTimestamp();
            return id;
        }
    }

    /// <summary>Notes how a write (or a probe, with no id) ended.</summary>
    public void Ended(long? id, bool succeeded)
    {
        lock (_gate)
        {
            if (id is { } started)
                _waiting.Remove(started);
            if (succeeded)
                _lastSuccess = Stopwatch.GetTimestamp();
            else
                _lastFailure = Stopwatch.GetTimestamp();
        }
    }

    public StorageState Assess()
    {
        lock (_gate)
        {
            if (_waiting.Count > 0 && Stopwatch.GetElapsedTime(_waiting.Values.Min()) >= StallAfter)
                return StorageState.Stalled;
            if (_lastFailure > _lastSuccess && Stopwatch.GetElapsedTime(_lastFailure) < FailureCounts)
                return StorageState.Failing;
            var lastWrite = Math.Max(_lastSuccess, _lastFailure);
            return _lastSuccess > _lastFailure && Stopwatch.GetElapsedTime(lastWrite) < IdleAfter ? StorageState.Writing : StorageState.Idle;
        }
    }
}
