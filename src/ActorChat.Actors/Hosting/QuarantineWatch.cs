using Akka.Actor;
using Akka.Event;
using Akka.Remote;

namespace ActorChat.Hosting;

/// <summary>
/// Shuts the node down, as if downed, once another node quarantined it. Nothing it sends reaches that node again
/// until it restarts, yet a node frozen for longer than the cluster waits can come back believing the others gone:
/// left running, it would down them in turn and serve its rooms alone, beside the cluster that took them over.
/// Leaving the way a downed node does ends the process with a failure code, so its supervisor starts a fresh one.
/// </summary>
internal sealed class QuarantineWatch : ReceiveActor
{
    public QuarantineWatch()
    {
        Receive<ThisActorSystemQuarantinedEvent>(quarantined =>
        {
            Context.GetLogger().Warning(
                "This node was quarantined by {0} and can no longer be part of the cluster: shutting down so that it is restarted",
                quarantined.RemoteAddress);
            _ = CoordinatedShutdown.Get(Context.System).Run(CoordinatedShutdown.ClusterDowningReason.Instance);
        });
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(ThisActorSystemQuarantinedEvent));
}
