using Akka.Cluster.Sharding;

namespace ActorChat.Accounts;

/// <summary>Routes account commands to the entity of the case-folded user name.</summary>
public sealed class AccountMessageExtractor(int maxShards = 100) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message is IAccountCommand command ? command.Key : null;
}
