using ActorChat.Connections;
using ActorChat.Protocol;
using Akka.Actor;

namespace ActorChat.Rooms;

/// <summary>
/// Members coming and going, and what the others hear of it: presence when a user's first connection comes in or
/// the last one goes, and typing, relayed once per user per interval (<see cref="TypingThrottle"/>, which this owns).
/// The room watches each member connection, so that one that dies leaves like one that says goodbye.
/// </summary>
internal sealed class RoomPresence(string room, RoomMembers members, RoomDelivery delivery, TimeSpan typingInterval, IActorContext context)
{
    private readonly TypingThrottle _typing = new(typingInterval);

    public void Enter(Join join, IActorRef connection)
    {
        if (members.Contains(connection))
            return;
        context.Watch(connection);
        if (members.Add(connection, join.User, join.Hub))
            delivery.Broadcast(new Deliver(ServerFrames.Presence(room, join.User, joined: true)), except: [connection]);
    }

    /// <summary>
    /// The connection leaves: told so (<paramref name="answer"/>; <paramref name="removed"/> when the owner took
    /// its user off the roster), its hub lets it go, and the others hear of it when it was its user's last.
    /// </summary>
    /// <param name="left">The <c>left</c> frame to answer with, when it is not the plain one (a member put out by a moderator).</param>
    public void Leave(IActorRef connection, bool answer, bool removed, byte[]? left = null)
    {
        delivery.Dismiss(connection, answer ? new LeftRoom(room, left ?? ServerFrames.Left(room, removed), removed) : null);
        if (!members.Contains(connection))
            return;
        context.Unwatch(connection);
        if (members.Remove(connection) is { } lastOfUser)
        {
            _typing.Forget(lastOfUser);
            delivery.Broadcast(new Deliver(ServerFrames.Presence(room, lastOfUser, joined: false)), except: [connection]);
        }
    }

    public void Typing(Typing typing, IActorRef connection)
    {
        if (members.Contains(connection) && _typing.ShouldRelay(typing.User))
            delivery.Broadcast(new Deliver(ServerFrames.Typing(room, typing.User)), except: members.ConnectionsOf(typing.User));
    }
}
