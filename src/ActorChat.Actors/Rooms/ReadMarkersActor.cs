using ActorChat.Storage;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorChat.Rooms;

/// <summary>
/// Remembers, durably, how far each user has read one room, and how far their devices have received it; a child of
/// that room's <see cref="RoomActor"/>. Its journal is the one record of both markers. The message table's read
/// markers (which give unread counts at sign-in without waking rooms) are a projection of it: each stored move is
/// written there after the journal took it, and at recovery any marker the table lacks (lost, or never written) is
/// written again.
/// </summary>
public sealed class ReadMarkersActor : ReceivePersistentActor
{
    /// <summary>Store that <paramref name="User"/> has read up to <paramref name="Seq"/>.</summary>
    public sealed record Remember(string User, long Seq) : INoSerializationVerificationNeeded;

    /// <summary>Store that a device of <paramref name="User"/> has received up to <paramref name="Seq"/>.</summary>
    public sealed record RememberReceived(string User, long Seq) : INoSerializationVerificationNeeded;

    /// <summary>Sent to the parent room once the markers are recovered.</summary>
    public sealed record Recovered(IReadOnlyDictionary<string, long> Markers, IReadOnlyDictionary<string, long> Received) : INoSerializationVerificationNeeded;

    private sealed record TableMarkers(IReadOnlyDictionary<string, long> Markers) : INoSerializationVerificationNeeded;

    private sealed record TableUnreadable(Exception Cause) : INoSerializationVerificationNeeded;

    private readonly Dictionary<string, long> _markers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _received = new(StringComparer.Ordinal);
    private readonly string _room;
    private readonly MemberRows _table;
    private readonly int _snapshotEvery;
    private int _sinceSnapshot;

    public ReadMarkersActor(string room, int snapshotEvery, MemberRows table)
    {
        PersistenceId = "reads-" + room;
        _room = room;
        _table = table;
        _snapshotEvery = snapshotEvery;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is ReadMarkersSnapshot snapshot)
            {
                foreach (var (user, seq) in snapshot.Markers)
                    _markers[user] = seq;
                foreach (var (user, seq) in snapshot.Received ?? new Dictionary<string, long>())
                    _received[user] = seq;
            }
        });
        Recover<ReadMarkerMoved>(Apply);
        Recover<ReceivedMarkerMoved>(Apply);
        Recover<RecoveryCompleted>(_ =>
        {
            Context.Parent.Tell(new Recovered(new Dictionary<string, long>(_markers), new Dictionary<string, long>(_received)));
            if (_markers.Count > 0)
                _table.ReadReadMarkersAsync(_room).PipeTo(Self, success: markers => new TableMarkers(markers), failure: cause => new TableUnreadable(cause));
        });

        Command<Remember>(remember =>
        {
            if (_markers.GetValueOrDefault(remember.User) >= remember.Seq)
                return;
            PersistAsync(new ReadMarkerMoved(remember.User, remember.Seq), moved =>
            {
                Apply(moved);
                _table.RememberRead(_room, RoomAccess.Key(moved.User), moved.Seq);
                SnapshotNow();
            });
        });
        Command<RememberReceived>(remember =>
        {
            if (_received.GetValueOrDefault(remember.User) >= remember.Seq)
                return;
            PersistAsync(new ReceivedMarkerMoved(remember.User, remember.Seq), moved =>
            {
                Apply(moved);
                SnapshotNow();
            });
        });
        Command<TableMarkers>(table =>
        {
            foreach (var (user, seq) in _markers)
            {
                if (table.Markers.GetValueOrDefault(RoomAccess.Key(user)) < seq)
                    _table.RememberRead(_room, RoomAccess.Key(user), seq);
            }
        });
        // The table catches up the next time the room starts; the markers themselves are safe in the journal.
        Command<TableUnreadable>(unreadable => Context.GetLogger().Warning(unreadable.Cause, "Read markers of {0} could not be compared with the message table", _room));
        Command<SaveSnapshotSuccess>(success =>
            DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    // A write the journal refused (this node may not write now) would leave a hole in the numbering: stop, and let
    // the next message recover the store from the journal.
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        Context.Stop(Self);
    }

    private void Apply(ReadMarkerMoved moved)
    {
        if (moved.Seq > _markers.GetValueOrDefault(moved.User))
            _markers[moved.User] = moved.Seq;
    }

    private void Apply(ReceivedMarkerMoved moved)
    {
        if (moved.Seq > _received.GetValueOrDefault(moved.User))
            _received[moved.User] = moved.Seq;
    }

    private void SnapshotNow()
    {
        if (++_sinceSnapshot < _snapshotEvery)
            return;
        _sinceSnapshot = 0;
        SaveSnapshot(new ReadMarkersSnapshot(new Dictionary<string, long>(_markers), new Dictionary<string, long>(_received)));
    }
}
