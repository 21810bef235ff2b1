using ActorChat.Protocol;
using ActorChat.Rooms;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Connections;

// A send that names a photo: the photo store is asked first whether this user uploaded it and may attach it to this
// message (once: a retry of the same message may again). The client's later frames wait meanwhile, so that the
// order the client sent in is the order the room sees.
public sealed partial class ConnectionActor
{
    // True while the photo store is asked about a send's photo: the client's frames wait.
    private bool _attachingPhoto;

    private void ClaimAttachment(SendFrame send)
    {
        _attachingPhoto = true;
        AttachmentStore.Get(Context.System).ClaimAsync(send.Attachment!, RoomAccess.Key(_user), send.Room, send.Id).PipeTo(Self,
            success: info => new AttachmentClaimed(send, info, Failed: false),
            failure: _ => new AttachmentClaimed(send, null, Failed: true));
    }

    private void OnAttachmentClaimed(AttachmentClaimed claimed)
    {
        _attachingPhoto = false;
        var send = claimed.Send;
        if (claimed.Failed)
            SendError(ErrorCodes.Unavailable, "the photo could not be attached right now; send again with the same id", send.Id);
        else if (claimed.Info is not { } info)
            SendError(ErrorCodes.Forbidden, "a message may carry only a photo its sender uploaded, and a photo goes with one message", send.Id);
        else if (_joined.Contains(send.Room))
            OnSend(send, new MessageAttachment(info.Id, info.ContentType, info.Size, info.Width, info.Height));
        else
            SendError(ErrorCodes.NotJoined, $"join room '{send.Room}' first", send.Id);
        AnswerPending();
    }

    /// <summary>The store's answer: the photo (null when this user may not attach it), or a failure to ask.</summary>
    private sealed record AttachmentClaimed(SendFrame Send, AttachmentInfo? Info, bool Failed) : INoSerializationVerificationNeeded;
}
