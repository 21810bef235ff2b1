using ActorChat.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorChat.Rooms;

// A room's life: recovering (its journal, its read markers and its message table, before it serves anyone), serving,
// and stopping once nobody is in it and nothing is being written.
public sealed partial class RoomActor
{
    private void OnRecovered()
    {
        _snapshotRev = _recovery.SnapshotRev;
        // A room recovered from a snapshot may read its journal while it catches the table up, off its own thread,
        // where there is no actor context to make a materializer in: make it here.
        if (_snapshotRev > 0)
            Materializer();
        if (_recovery.CompleteAsync(LastSequenceNr, _table.Table, _history.ReadJournal) is { } catchUp)
        {
            _tablePending = true;
            catchUp.PipeTo(Self, success: recovered => recovered, failure: cause => new Status.Failure(cause));
        }
        else
            _assignedSeq = _tail.Seq;
        Become(Recovering);
    }

    // Joins answer with read markers and replays, so the room serves nobody until its markers are back and its
    // message table has caught up.
    private void Recovering()
    {
        Command<ReadMarkersActor.Recovered>(recovered =>
        {
            _markers.Recovered(recovered);
            ServeWhenRecovered();
        });
        Command<RoomRecovery.Recovered>(recovered =>
        {
            _recovery.Finish(recovered);
            _table.CaughtUp(_tail.Rev);
            _assignedSeq = _tail.Seq;
            _tablePending = false;
            ServeWhenRecovered();
        });
        // Without its window the room could store a retried send twice: stop, and let the next message recover it.
        Command<Status.Failure>(failure =>
        {
            Context.GetLogger().Warning(failure.Cause, "Room {0} could not recover its message table; it stops, and the next message recovers it", _room);
            Context.Stop(Self);
        });
        Command<Terminated>(terminated => StopIfMarkerStoreDied(terminated));
        CommandAny(_ => Stash.Stash());
    }

    private void ServeWhenRecovered()
    {
        if (_markers.Recovering || _tablePending)
            return;
        Stash.UnstashAll();
        Become(Serving);
        ChatMetrics.ActiveRooms.Add(1);
        _countedActive = true;
        ScheduleIdleStopIfEmpty();
    }

    // Rooms stop themselves only when nobody is in them and nothing is being written; the shard's own
    // idle passivation is off, because a quiet room with members must keep its member list.
    private void ScheduleIdleStopIfEmpty()
    {
        if (_members.Count == 0 && !_pending.Writing)
            SetReceiveTimeout(_settings.IdleTimeout);
    }

    private void PassivateWhenIdle()
    {
        SetReceiveTimeout(null);
        if (_members.Count == 0 && !_pending.Writing)
            Context.Parent.Tell(new Passivate(StopWhenIdle.Instance));
    }

    // Without its read markers the room cannot answer joins truthfully: stop, and let the next message recover both.
    private bool StopIfMarkerStoreDied(Terminated terminated)
    {
        if (!_markers.IsStore(terminated.ActorRef))
            return false;
        Context.Stop(Self);
        return true;
    }

    protected override void PostStop()
    {
        if (_countedActive)
            ChatMetrics.ActiveRooms.Add(-1);
        base.PostStop();
    }

    // A write the journal refused leaves a hole in the numbering the room cannot fill: restart from the journal.
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        Context.Stop(Self);
    }

    private sealed record StopWhenIdle : INoSerializationVerificationNeeded
    {
        public static readonly StopWhenIdle Instance = new();
    }
}
