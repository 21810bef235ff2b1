using Akka.Actor;

namespace ActorChat.Hosting;

/// <summary>
/// Props that create an actor by calling a factory. Akka's <c>Props.Create(() => new T(...))</c> takes the
/// expression apart and evaluates each argument again for every actor, by reflection or by compiling it: a cost
/// paid for every connection and every room. Here the arguments are captured once, as in any closure.
/// </summary>
public static class FactoryProps
{
    public static Props Of<TActor>(Func<TActor> create) where TActor : ActorBase =>
        Props.CreateBy(new Producer<TActor>(create));

    private sealed class Producer<TActor>(Func<TActor> create) : IIndirectActorProducer where TActor : ActorBase
    {
        public Type ActorType => typeof(TActor);

        public ActorBase Produce() => create();

        public void Release(ActorBase actor)
        {
        }
    }
}
