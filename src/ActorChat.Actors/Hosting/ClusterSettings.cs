namespace ActorChat.Hosting;

/// <summary>Where this node listens for other nodes and which nodes it joins.</summary>
public sealed class ClusterSettings
{
    public const string Section = "ActorChat:Cluster";

    /// <summary>The address this node binds for node-to-node traffic.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>The address other nodes use to reach this one, when it differs from <see cref="Hostname"/> (NAT, containers).</summary>
    public string PublicHostname { get; set; } = "";

    /// <summary>Port for node-to-node traffic; 0 picks a free one (fine for a single node).</summary>
    public int Port { get; set; }

    /// <summary>
    /// How long heartbeats from a node may be missing before it counts as unreachable (the failure detector's
    /// acceptable pause). Garbage collection and a busy machine stay under it.
    /// </summary>
    public TimeSpan HeartbeatPause { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a node must stay unreachable before the split brain resolver downs it (keep-majority) and its
    /// rooms restart elsewhere. Shorter fails over sooner; longer rides out longer network hiccups: a node that
    /// stalls for a few seconds and comes back is not downed.
    /// </summary>
    public TimeSpan DownUnreachableAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long after downing a node the others wait before they start its rooms and, when it was the oldest node,
    /// the shard coordinator: time for a node cut off from the majority to stop its own rooms first. A node on the
    /// minority side downs itself after the same <see cref="DownUnreachableAfter"/>, so it needs little more; and
    /// should a room briefly run on both sides, the journal's unique sequence numbers refuse the second writer.
    /// </summary>
    public TimeSpan RemovalMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Addresses of seed nodes (akka.tcp://actorchat@host:port); empty makes this node a cluster of one.</summary>
    public string[] SeedNodes { get; set; } = [];

    /// <summary>
    /// This node's certificate with its private key (PKCS#12), for node-to-node TLS with mutual authentication;
    /// empty: plain TCP, for a network no one else can reach.
    /// </summary>
    public string TlsCertificatePath { get; set; } = "";

    /// <summary>The password of <see cref="TlsCertificatePath"/>, if it has one.</summary>
    public string TlsCertificatePassword { get; set; } = "";

    /// <summary>The CA (PEM or DER) that signs every node's certificate: the only one a peer's certificate may chain to.</summary>
    public string TlsCaPath { get; set; } = "";

    /// <summary>
    /// The encoding this node writes for other nodes; every node reads both. <see cref="WireFormat.Binary"/> is for the
    /// first step of a rolling upgrade from a version that sends only the earlier binary encoding (docs/operations.md).
    /// </summary>
    public WireFormat WireFormat { get; set; } = WireFormat.Protobuf;

    public void Validate()
    {
        if (TlsCertificatePath.Length > 0 && TlsCaPath.Length == 0)
            throw new InvalidOperationException($"{Section}:{nameof(TlsCaPath)} must name the CA that signs the nodes' certificates when {nameof(TlsCertificatePath)} is set.");
        if (TlsCertificatePath.Length == 0 && TlsCaPath.Length > 0)
            throw new InvalidOperationException($"{Section}:{nameof(TlsCertificatePath)} must name this node's certificate when {nameof(TlsCaPath)} is set.");
        // A seed of the other transport is never reached, and the node would retry it for ever.
        var scheme = TlsCertificatePath.Length > 0 ? "akka.ssl.tcp://" : "akka.tcp://";
        foreach (var seed in SeedNodes)
        {
            if (!seed.StartsWith(scheme, StringComparison.Ordinal))
                throw new InvalidOperationException($"{Section}:{nameof(SeedNodes)}: '{seed}' must start with {scheme}, the scheme of this node's transport ({(TlsCertificatePath.Length > 0 ? "TLS" : "plain TCP")}).");
        }
    }
}

/// <summary>How a node encodes the messages it sends to other nodes.</summary>
public enum WireFormat
{
    /// <summary>The Protobuf contracts of <c>wire.proto</c>.</summary>
    Protobuf,

    /// <summary>The positional binary encoding of earlier versions, which is all such a node can read.</summary>
    Binary,
}
