using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Discovery.Config.Hosting;
using Akka.Discovery.KubernetesApi;
using Akka.Event;
using Akka.Hosting;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Akka.Management.Dsl;
using Newtonsoft.Json;

namespace ActorChat.Hosting;

/// <summary>
/// How a node comes to be in a cluster: it joins a fixed list of seed nodes (none: itself), or Cluster Bootstrap
/// finds the other nodes through an Akka.Discovery method and either joins the cluster they are in or, when none is
/// running, the node with the lowest address among all it found forms one and the others join it.
/// </summary>
public static class ClusterFormation
{
    /// <summary>The name of the Kubernetes container port that carries <see cref="ClusterSettings.BootstrapPort"/>.</summary>
    public const string BootstrapPortName = "bootstrap";

    /// <summary>Seed nodes for <see cref="ClusterOptions.SeedNodes"/>: only with <see cref="ClusterDiscovery.Seeds"/>.</summary>
    public static string[] SeedNodes(ClusterSettings cluster) =>
        cluster.Discovery == ClusterDiscovery.Seeds ? cluster.SeedNodes : [];

    /// <summary>True when the node forms a cluster of one by joining itself: no seed nodes and no bootstrap.</summary>
    public static bool JoinsItself(ClusterSettings cluster) => !cluster.IsMultiNode;

    /// <summary>
    /// Adds Cluster Bootstrap and the discovery method the settings name, and starts bootstrap with the actor system;
    /// nothing with seed nodes. The host serves the bootstrap endpoint (<see cref="SeedNodesJson"/>) at
    /// <see cref="SelfContactPoint"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithClusterFormation(this AkkaConfigurationBuilder builder, ClusterSettings cluster)
    {
        if (cluster.Discovery == ClusterDiscovery.Seeds)
            return builder;

        builder.WithClusterBootstrap(new ClusterBootstrapOptions
        {
            ContactPointDiscovery =
            {
                ServiceName = cluster.ServiceName,
                // With the Kubernetes API the pods' ports are found by name; a configured list names them itself.
                PortName = cluster.Discovery == ClusterDiscovery.Kubernetes ? BootstrapPortName : null,
                RequiredContactPointsNr = cluster.RequiredContactPoints,
            },
            ContactPoint =
            {
                // Discovery names each node's port (nodes sharing a host each have their own), so none is dropped
                // for not being on this node's.
                FallbackPort = cluster.BootstrapPort,
                FilterOnFallbackPort = false,
            },
        }, autoStart: false);
        builder.AddStartup(async (system, _) =>
        {
            try
            {
                var bootstrap = ClusterBootstrap.Get(system);
                // Akka.Management's own HTTP server is not used (the host serves the one route bootstrap needs), so
                // this node's contact point, which the join decider compares with the discovered ones, is told here.
                bootstrap.Routes(ManagementRouteProviderSettings.Create(SelfContactPoint(cluster), readOnly: true));
                await bootstrap.Start();
            }
            catch (Exception e)
            {
                system.Log.Error(e, "Cluster bootstrap could not start; the node stops, as it could never join a cluster");
                await system.Terminate();
            }
        });

        return cluster.Discovery switch
        {
            ClusterDiscovery.Config => builder.WithConfigDiscovery(new ConfigServiceDiscoveryOptions
            {
                Services = [new Service { Name = cluster.ServiceName, Endpoints = cluster.DiscoveryEndpoints }],
            }),
            ClusterDiscovery.Kubernetes => builder.WithKubernetesDiscovery(new KubernetesDiscoveryOptions
            {
                PodLabelSelector = $"app={cluster.ServiceName}",
                PodNamespace = string.IsNullOrEmpty(cluster.KubernetesNamespace) ? null : cluster.KubernetesNamespace,
            }),
            _ => throw new InvalidOperationException($"{ClusterSettings.Section}:{nameof(ClusterSettings.Discovery)} = {cluster.Discovery} is not a discovery method."),
        };
    }

    /// <summary>The base address other nodes reach this node's bootstrap endpoint at, as discovery names it.</summary>
    public static Uri SelfContactPoint(ClusterSettings cluster) =>
        new UriBuilder("http", string.IsNullOrEmpty(cluster.PublicHostname) ? cluster.Hostname : cluster.PublicHostname, cluster.BootstrapPort).Uri;

    /// <summary>
    /// The answer to <c>GET /bootstrap/seed-nodes</c>, in the form bootstrap's probes read: this node's address and
    /// the members a joining node may contact (none while this node is leaving or down, so nobody joins through it).
    /// </summary>
    public static string SeedNodesJson(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        var state = cluster.State;
        var leaving = cluster.SelfMember.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Leaving or MemberStatus.Removed;
        var members = leaving ? [] : state.Members
            .Where(member => !state.Unreachable.Contains(member) && member.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Select(member => new HttpBootstrapJsonProtocol.ClusterMember(member.Address, member.UniqueAddress.Uid, member.Status, member.Roles))
            .ToImmutableList();
        return JsonConvert.SerializeObject(new HttpBootstrapJsonProtocol.SeedNodes(cluster.SelfAddress, members));
    }
}
