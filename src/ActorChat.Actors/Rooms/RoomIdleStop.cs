using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorChat.Rooms;

/// <summary>
/// When a room stops itself: only when nobody is in it and nothing is being written. The shard's own idle
/// passivation is off, because a quiet room with members must keep its member list; instead an empty room starts
/// its idle clock (the receive timeout), asks its shard to passivate it when the clock runs out, and, told to stop,
/// finishes any write first so that every sender gets its ack.
/// </summary>
internal sealed class RoomIdleStop(RoomMembers members, RoomWrites writes, TimeSpan idleTimeout, IActorContext context)
{
    /// <summary>
    /// How the shard stops a room: handed back once the room asked to be passivated, and sent when the shard hands
    /// the room over to another node (a rebalance, a node leaving). Unlike a <see cref="PoisonPill"/>, it lets a write
    /// in flight finish and its senders hear their acks, so the room's next incarnation, wherever it starts, recovers
    /// after that write and never beside it.
    /// </summary>
    public sealed record Stop : INoSerializationVerificationNeeded
    {
        public static readonly Stop Instance = new();
    }

    private bool _stopRequested;

    private bool Idle => members.Count == 0 && !writes.Writing;

    /// <summary>A member came in: the idle clock stops.</summary>
    public void Occupied() => context.SetReceiveTimeout(null);

    /// <summary>Starts the idle clock when the room is empty and nothing is being written.</summary>
    public void ScheduleIfEmpty()
    {
        if (Idle)
            context.SetReceiveTimeout(idleTimeout);
    }

    /// <summary>The idle clock ran out: the shard is asked to passivate the room, unless it is busy again.</summary>
    public void TimedOut()
    {
        context.SetReceiveTimeout(null);
        // The shard knows which entity asks by the sender.
        if (Idle)
            context.Parent.Tell(new Passivate(Stop.Instance), context.Self);
    }

    /// <summary>
    /// The shard holds new messages back from here on; any write finishes first so every sender gets its ack.
    /// Members who joined meanwhile see the room stop and join its next incarnation.
    /// </summary>
    public void StopRequested()
    {
        _stopRequested = true;
        if (!writes.Writing)
            context.Stop(context.Self);
    }

    /// <summary>Nothing is being written or waiting: the room stops, if it was told to, or starts its idle clock.</summary>
    public void WritesSettled()
    {
        if (_stopRequested)
            context.Stop(context.Self);
        else
            ScheduleIfEmpty();
    }
}
