using ActorChat.Protocol;
using ActorChat.Rooms;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// A send that names a photo: the photo store is asked first whether this user uploaded it and may attach it to this
/// message (once: a retry of the same message may again). The client's later frames wait meanwhile (<see cref="Claiming"/>),
/// so that the order the client sent in is the order the room sees.
/// </summary>
internal sealed class PhotoClaims(string user, ActorSystem system, ConnectionRooms rooms, IClientOutput client)
{
    /// <summary>The store's answer: the photo (null when this user may not attach it), or a failure to ask.</summary>
    public sealed record Claimed(SendFrame Send, AttachmentInfo? Info, bool Failed) : INoSerializationVerificationNeeded;

    /// <summary>True while the photo store is asked about a send's photo: the client's frames wait.</summary>
    public bool Claiming { get; private set; }

    /// <summary>Asks the store; its answer comes to <paramref name="connection"/> as <see cref="Claimed"/>.</summary>
    public void Claim(SendFrame send, IActorRef connection)
    {
        Claiming = true;
        AttachmentStore.Get(system).ClaimAsync(send.Attachment!, RoomAccess.Key(user), send.Room, send.Id).PipeTo(connection,
            success: info => new Claimed(send, info, Failed: false),
            failure: _ => new Claimed(send, null, Failed: true));
    }

    /// <summary>The store answered: the send goes to its room with its photo, or the client hears why not.</summary>
    public void Answered(Claimed claimed)
    {
        Claiming = false;
        var send = claimed.Send;
        if (claimed.Failed)
            client.SendError(ErrorCodes.Unavailable, "the photo could not be attached right now; send again with the same id", send.Id);
        else if (claimed.Info is not { } info)
            client.SendError(ErrorCodes.Forbidden, "a message may carry only a photo its sender uploaded, and a photo goes with one message", send.Id);
        else if (rooms.Contains(send.Room))
            rooms.Send(send, new MessageAttachment(info.Id, info.ContentType, info.Size, info.Width, info.Height));
        else
            client.SendError(ErrorCodes.NotJoined, $"join room '{send.Room}' first", send.Id);
    }
}
