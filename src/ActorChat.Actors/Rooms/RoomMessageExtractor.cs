using Akka.Cluster.Sharding;

namespace ActorChat.Rooms;

/// <summary>Routes room commands to the room entity named by the command; the room name is the entity id.</summary>
public sealed class RoomMessageExtractor(int maxShards = 100) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message is IRoomCommand command ? command.Room : null;
}
