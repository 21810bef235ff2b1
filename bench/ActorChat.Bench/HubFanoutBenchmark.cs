using ActorChat.Connections;
using ActorChat.Delivery;
using ActorChat.Protocol;
using Akka.Actor;
using BenchmarkDotNet.Attributes;

namespace ActorChat.Bench;

/// <summary>
/// One message fanned out by a node's delivery hub to every local member of a room, the way a room's fan-out ends
/// on each node: the time and the bytes allocated per operation, divided by the members, are the cost per member.
/// Members are plain actors that count what they receive, standing where connection actors stand.
/// </summary>
[MemoryDiagnoser]
public class HubFanoutBenchmark
{
    private ActorSystem _system = null!;
    private IActorRef _hub = null!;
    private IActorRef _room = null!;
    private HubFanout _fanout = null!;
    private Arrival _arrival = null!;

    [Params(10, 100, 1000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench", "akka.loglevel = WARNING");
        _hub = DeliveryHubs.Get(_system).For("bench");
        _room = _system.ActorOf(Props.Create<Silent>(), "room");
        _arrival = new Arrival();
        _arrival.Expect(Members);
        var joined = new JoinedRoom("bench", 0, ServerFrames.Joined("bench", 0, [], 0, [], truncated: false));
        for (var i = 0; i < Members; i++)
            _hub.Tell(new HubAdmit(_system.ActorOf(Props.Create(() => new Member(_arrival))), joined), _room);
        _arrival.Wait();
        var frame = ServerFrames.Message("bench", new ChatMessage(1, "id-1", "alice", "a message of an ordinary length, about sixty bytes", DateTimeOffset.UtcNow));
        _fanout = new HubFanout([], new DeliverSequenced("bench", 1, frame));
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    [Benchmark(Description = "fan-out of one message to every member")]
    public void FanOut()
    {
        _arrival.Expect(Members);
        _hub.Tell(_fanout, _room);
        _arrival.Wait();
    }

    /// <summary>Counts deliveries across the members and lets the benchmark wait for a whole fan-out.</summary>
    private sealed class Arrival
    {
        private readonly CountdownEvent _pending = new(0);

        /// <summary>Expects <paramref name="count"/> deliveries; called before they are sent, never during.</summary>
        public void Expect(int count) => _pending.Reset(count);

        public void Arrived() => _pending.Signal();

        public void Wait() => _pending.Wait();
    }

    private sealed class Member : ReceiveActor
    {
        public Member(Arrival arrival) => ReceiveAny(_ => arrival.Arrived());
    }

    private sealed class Silent : ReceiveActor
    {
        public Silent() => ReceiveAny(_ => { });
    }
}
