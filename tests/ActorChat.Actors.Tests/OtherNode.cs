using Akka.Actor;
using Akka.Actor.Setup;

namespace ActorChat.Tests;

/// <summary>
/// A second node beside a spec's own actor system: the same settings over real remoting on loopback, with our
/// serializers and Akka.Remote's default frame limit, so what crosses between them crosses as it would in a cluster.
/// </summary>
public sealed class OtherNode : IDisposable
{
    /// <summary>The spec's own configuration for both nodes: ActorChat's HOCON with remoting on a free port.</summary>
    public static readonly string Config = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")) + """

        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        """;

    private readonly ActorSystem _spec;

    public OtherNode(ActorSystem spec)
    {
        _spec = spec;
        // The spec's settings objects (its message table's folder) with its final configuration.
        System = ActorSystem.Create(spec.Name, spec.Settings.Setup.And(BootstrapSetup.Create().WithConfig(spec.Settings.Config)));
    }

    public ActorSystem System { get; }

    /// <summary>An actor of the spec's own node, as this node addresses it.</summary>
    public Task<IActorRef> ResolveAsync(IActorRef onSpecNode, TimeSpan timeout) =>
        System.ActorSelection(onSpecNode.Path.ToStringWithAddress(((ExtendedActorSystem)_spec).Provider.DefaultAddress)).ResolveOne(timeout);

    /// <summary>An actor of this node, as the spec's own node addresses it.</summary>
    public Task<IActorRef> ResolveFromSpecAsync(IActorRef onThisNode, TimeSpan timeout) =>
        _spec.ActorSelection(onThisNode.Path.ToStringWithAddress(((ExtendedActorSystem)System).Provider.DefaultAddress)).ResolveOne(timeout);

    public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(10));
}
