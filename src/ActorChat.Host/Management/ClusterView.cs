using Akka.Actor;
using Akka.Cluster;

namespace ActorChat.Host.Management;

/// <summary>The cluster as this node sees it, for <c>GET /cluster</c>: every member, its state, and whether this node reaches it.</summary>
/// <param name="Self">This node's address.</param>
/// <param name="Leader">The member that moves others Up and Removed; null while there is none.</param>
/// <param name="Members">Every member, ordered by address.</param>
public sealed record ClusterView(string Self, string? Leader, IReadOnlyList<ClusterView.Member> Members)
{
    /// <param name="Address">The member's node-to-node address.</param>
    /// <param name="Status">Akka's member status in lower case: joining, up, leaving, exiting, down, removed...</param>
    /// <param name="Reachable">False when this node's failure detector has lost it.</param>
    public sealed record Member(string Address, string Status, bool Reachable);

    public static ClusterView Of(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(member => member.Address).ToHashSet();
        var members = state.Members
            .Select(member => new Member(member.Address.ToString(), member.Status.ToString().ToLowerInvariant(), !unreachable.Contains(member.Address)))
            .OrderBy(member => member.Address, StringComparer.Ordinal)
            .ToList();
        return new ClusterView(cluster.SelfAddress.ToString(), state.Leader?.ToString(), members);
    }
}
