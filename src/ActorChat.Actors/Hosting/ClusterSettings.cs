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

    /// <summary>
    /// How this node finds the others: a list of seed nodes, or Cluster Bootstrap with an Akka.Discovery method.
    /// </summary>
    public ClusterDiscovery Discovery { get; set; } = ClusterDiscovery.Seeds;

    /// <summary>
    /// With <see cref="ClusterDiscovery.Seeds"/>: addresses of seed nodes (akka.tcp://actorchat@host:port); empty
    /// makes this node a cluster of one.
    /// </summary>
    public string[] SeedNodes { get; set; } = [];

    /// <summary>
    /// With <see cref="ClusterDiscovery.Config"/>: every node's bootstrap endpoint as <c>host:port</c>, the same list
    /// on every node, this one's included. Nodes ask each other there which cluster to join.
    /// </summary>
    public string[] DiscoveryEndpoints { get; set; } = [];

    /// <summary>
    /// The port of this node's bootstrap endpoint (Akka.Management's HTTP server), on <see cref="Hostname"/> beside
    /// the node-to-node port, never on the public address. Used only with Cluster Bootstrap.
    /// </summary>
    public int BootstrapPort { get; set; } = 8558;

    /// <summary>
    /// How many nodes bootstrap must find, all answering, before the lowest of them forms a new cluster. Nodes that
    /// find a running cluster join it whatever this number.
    /// </summary>
    public int RequiredContactPoints { get; set; } = 2;

    /// <summary>The service the nodes discover each other as: Kubernetes pods carry the label <c>app</c> with this value.</summary>
    public string ServiceName { get; set; } = "actorchat";

    /// <summary>With <see cref="ClusterDiscovery.Kubernetes"/>: the pods' namespace; empty reads the pod's own.</summary>
    public string KubernetesNamespace { get; set; } = "";

    /// <summary>True when this node is meant to be one of several: seed nodes or bootstrap.</summary>
    public bool IsMultiNode => Discovery != ClusterDiscovery.Seeds || SeedNodes.Length > 0;

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
        if (Discovery != ClusterDiscovery.Seeds && SeedNodes.Length > 0)
            throw new InvalidOperationException($"{Section}:{nameof(SeedNodes)} is for {nameof(Discovery)} = {nameof(ClusterDiscovery.Seeds)}; with {Discovery} the nodes find each other: remove the seed nodes.");
        if (Discovery == ClusterDiscovery.Config && DiscoveryEndpoints.Length == 0)
            throw new InvalidOperationException($"{Section}:{nameof(DiscoveryEndpoints)} must list every node's bootstrap endpoint (host:port) when {nameof(Discovery)} is {nameof(ClusterDiscovery.Config)}.");
        foreach (var endpoint in DiscoveryEndpoints)
        {
            // Akka.Discovery's config method splits at every colon, so an IPv6 address cannot be listed: name it.
            var parts = endpoint.Split(':');
            if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], out var port) || port is < 1 or > 65535)
                throw new InvalidOperationException($"{Section}:{nameof(DiscoveryEndpoints)}: '{endpoint}' must be host:port (a name or IPv4 address), the host and {nameof(BootstrapPort)} of a node.");
        }
        if (Discovery != ClusterDiscovery.Seeds && BootstrapPort is < 1 or > 65535)
            throw new InvalidOperationException($"{Section}:{nameof(BootstrapPort)} must be a port from 1 to 65535 with {nameof(Discovery)} = {Discovery}: the other nodes must know it.");
        if (RequiredContactPoints < 1)
            throw new InvalidOperationException($"{Section}:{nameof(RequiredContactPoints)} must be at least 1.");
        if (Discovery != ClusterDiscovery.Seeds)
            ValidateContactPoint();
        // A seed of the other transport is never reached, and the node would retry it for ever.
        var scheme = TlsCertificatePath.Length > 0 ? "akka.ssl.tcp://" : "akka.tcp://";
        foreach (var seed in SeedNodes)
        {
            if (!seed.StartsWith(scheme, StringComparison.Ordinal))
                throw new InvalidOperationException($"{Section}:{nameof(SeedNodes)}: '{seed}' must start with {scheme}, the scheme of this node's transport ({(TlsCertificatePath.Length > 0 ? "TLS" : "plain TCP")}).");
        }
    }

    // Bootstrap compares this node's contact point with the discovered ones, as text: the lowest forms the cluster
    // only if it finds itself among them, so a mismatch never forms one and only logs warnings.
    private void ValidateContactPoint()
    {
        var advertised = string.IsNullOrEmpty(PublicHostname) ? Hostname : PublicHostname;
        if (advertised is "0.0.0.0" or "::" or "[::]")
            throw new InvalidOperationException($"{Section}:{nameof(PublicHostname)} must name the address other nodes reach this one at when {nameof(Hostname)} is {Hostname} with {nameof(Discovery)} = {Discovery}.");
        if (Discovery != ClusterDiscovery.Config)
            return;
        var self = $"{advertised}:{BootstrapPort}";
        if (!DiscoveryEndpoints.Contains(self, StringComparer.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{Section}:{nameof(DiscoveryEndpoints)} must list this node too, as {self} ({nameof(PublicHostname)} or {nameof(Hostname)}, and {nameof(BootstrapPort)}), spelled as in the list.");
        if (RequiredContactPoints > DiscoveryEndpoints.Length)
            throw new InvalidOperationException($"{Section}:{nameof(RequiredContactPoints)} ({RequiredContactPoints}) cannot exceed the {DiscoveryEndpoints.Length} {nameof(DiscoveryEndpoints)}: no cluster would ever form.");
    }
}

/// <summary>How a node finds the other nodes of its cluster.</summary>
public enum ClusterDiscovery
{
    /// <summary>A fixed list of seed nodes (<see cref="ClusterSettings.SeedNodes"/>); none: a cluster of one.</summary>
    Seeds,

    /// <summary>Cluster Bootstrap over a fixed list of bootstrap endpoints (<see cref="ClusterSettings.DiscoveryEndpoints"/>).</summary>
    Config,

    /// <summary>Cluster Bootstrap over the Kubernetes API: the running pods labelled <c>app=</c><see cref="ClusterSettings.ServiceName"/>.</summary>
    Kubernetes,
}

/// <summary>How a node encodes the messages it sends to other nodes.</summary>
public enum WireFormat
{
    /// <summary>The Protobuf contracts of <c>wire.proto</c>.</summary>
    Protobuf,

    /// <summary>The positional binary encoding of earlier versions, which is all such a node can read.</summary>
    Binary,
}
