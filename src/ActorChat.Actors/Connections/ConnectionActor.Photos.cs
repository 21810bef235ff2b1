using ActorChat.Hosting;
using ActorChat.Protocol;
using ActorChat.Rooms;
using Akka.Actor;

namespace ActorChat.Connections;

// A send that names a photo: the photo store is asked first whether this user uploaded it and may attach it to this
// message (once: a retry of the same message may again). The client's later frames wait meanwhile, so that the
// order the client sent in is the order the room sees.
public sealed partial class ConnectionActor
{
    // The client's frames that came while a photo was being attached; null when none is.
    private Queue<ClientFrame>? _waitingForPhoto;

    private void ClaimAttachment(SendFrame send)
    {
        _waitingForPhoto = new Queue<ClientFrame>();
        AttachmentStore.Get(Context.System).ClaimAsync(send.Attachment!, RoomAccess.Key(_user), send.Room, send.Id).PipeTo(Self,
            success: info => new AttachmentClaimed(send, info, Failed: false),
            failure: _ => new AttachmentClaimed(send, null, Failed: true));
    }

    private void HoldForPhoto(ClientFrame frame)
    {
        if (_waitingForPhoto!.Count < _settings.FrameBurst)
            _waitingForPhoto.Enqueue(frame);
        else
            SendError(ErrorCodes.RateLimited, "too many frames while a photo was being attached; slow down", frame.Reference);
    }

    private void OnAttachmentClaimed(AttachmentClaimed claimed)
    {
        var waiting = _waitingForPhoto!;
        _waitingForPhoto = null;
        var send = claimed.Send;
        if (claimed.Failed)
            SendError(ErrorCodes.Unavailable, "the photo could not be attached right now; send again with the same id", send.Id);
        else if (claimed.Info is not { } info)
            SendError(ErrorCodes.Forbidden, "a message may carry only a photo its sender uploaded, and a photo goes with one message", send.Id);
        else if (_joined.Contains(send.Room))
            OnSend(send, new MessageAttachment(info.Id, info.ContentType, info.Size, info.Width, info.Height));
        else
            SendError(ErrorCodes.NotJoined, $"join room '{send.Room}' first", send.Id);

        // What waited goes now, in order; another photo among it makes the rest wait again.
        while (waiting.TryDequeue(out var frame))
        {
            if (_waitingForPhoto is not null)
                HoldForPhoto(frame);
            else
                OnClientFrame(frame);
        }
    }

    /// <summary>The store's answer: the photo (null when this user may not attach it), or a failure to ask.</summary>
    private sealed record AttachmentClaimed(SendFrame Send, AttachmentInfo? Info, bool Failed) : INoSerializationVerificationNeeded;
}
