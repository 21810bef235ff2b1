using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorChat.Storage;

/// <summary>
/// Whether this node may write to the journal now. A node that sees no majority of the cluster's members, or that the
/// cluster downed, stops writing at once: on the other side of a partition the majority downs it and, once its
/// resolver's stable-after and the removal margin have passed, starts its rooms and accounts anew. The lone side
/// notices the partition about when the majority does, seconds before that, so its rooms and accounts never write
/// beside their next incarnations. The journal refuses (rejects) every write while the fence is closed; the writers
/// stop and recover from the journal, and their clients' sends wait, unacknowledged, to be sent again.
/// </summary>
/// <remarks>
/// The fence opens again only when this node sees a majority again and is not downed: after a partition healed
/// before the resolver acted, or when the members it could not reach have been removed. A node the majority removed
/// never sees it again (it is quarantined) and so stays fenced until it stops. On an actor system without a cluster
/// (actor tests) the fence is always open.
/// </remarks>
public sealed class WriteFence : IExtension
{
    private volatile string? _closedBecause;

    /// <summary>True while this node may write.</summary>
    public bool IsOpen => _closedBecause is null;

    /// <summary>Why writes are refused now; null while the fence is open.</summary>
    public string? ClosedBecause => _closedBecause;

    public static WriteFence Get(ActorSystem system) => system.WithExtension<WriteFence, Provider>();

    /// <summary>
    /// Why a node with <paramref name="self"/> among <paramref name="members"/> (their statuses), of which it cannot
    /// reach <paramref name="unreachable"/>, must not write; null when it may. Downed and removed members do not count:
    /// they are the ones a majority already decided about.
    /// </summary>
    public static string? Judge(UniqueAddress self, IReadOnlyDictionary<UniqueAddress, MemberStatus> members, IReadOnlySet<UniqueAddress> unreachable)
    {
        if (!members.TryGetValue(self, out var status))
            return null;
        if (status is MemberStatus.Down or MemberStatus.Removed)
            return "the cluster downed this node";
        var counted = members.Where(member => member.Value is not (MemberStatus.Down or MemberStatus.Removed)).Select(member => member.Key).ToList();
        var reachable = counted.Count(member => !unreachable.Contains(member));
        return reachable * 2 > counted.Count
            ? null
            : $"this node reaches {reachable} of the cluster's {counted.Count} members, no majority";
    }

    private void Set(string? reason, ILoggingAdapter log)
    {
        if (reason == _closedBecause)
            return;
        if (reason is null)
            log.Info("Journal writes resume: this node sees a majority of the cluster again");
        else
            log.Warning("Journal writes are refused on this node: {0}", reason);
        _closedBecause = reason;
    }

    private sealed class Provider : ExtensionIdProvider<WriteFence>
    {
        public override WriteFence CreateExtension(ExtendedActorSystem system)
        {
            var fence = new WriteFence();
            if (system.Provider is IClusterActorRefProvider)
                system.SystemActorOf(Props.Create(() => new Watch(fence)), "write-fence");
            return fence;
        }
    }

    /// <summary>Follows the membership and reachability this node sees, and sets the fence after each change.</summary>
    private sealed class Watch : ReceiveActor
    {
        private readonly Dictionary<UniqueAddress, MemberStatus> _members = [];
        private readonly HashSet<UniqueAddress> _unreachable = [];
        private readonly Cluster _cluster = Cluster.Get(Context.System);
        private bool _left;

        public Watch(WriteFence fence)
        {
            var log = Context.GetLogger();
            var self = _cluster.SelfUniqueAddress;
            Receive<ClusterEvent.CurrentClusterState>(state =>
            {
                foreach (var member in state.Members)
                    _members[member.UniqueAddress] = member.Status;
                _unreachable.UnionWith(state.Unreachable.Select(member => member.UniqueAddress));
                fence.Set(Judge(self), log);
            });
            Receive<ClusterEvent.MemberRemoved>(removed =>
            {
                _members.Remove(removed.Member.UniqueAddress);
                _unreachable.Remove(removed.Member.UniqueAddress);
                _left |= removed.Member.UniqueAddress.Equals(self);
                fence.Set(Judge(self), log);
            });
            Receive<ClusterEvent.IMemberEvent>(changed =>
            {
                _members[changed.Member.UniqueAddress] = changed.Member.Status;
                fence.Set(Judge(self), log);
            });
            Receive<ClusterEvent.UnreachableMember>(unreachable =>
            {
                _unreachable.Add(unreachable.Member.UniqueAddress);
                fence.Set(Judge(self), log);
            });
            Receive<ClusterEvent.ReachableMember>(reachable =>
            {
                _unreachable.Remove(reachable.Member.UniqueAddress);
                fence.Set(Judge(self), log);
            });
        }

        private string? Judge(UniqueAddress self) =>
            _left ? "this node left the cluster" : WriteFence.Judge(self, _members, _unreachable);

        protected override void PreStart() =>
            _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
                typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

        protected override void PostStop() => _cluster.Unsubscribe(Self);
    }
}
