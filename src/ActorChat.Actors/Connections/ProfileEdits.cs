using ActorChat.Accounts;
using ActorChat.Protocol;
using ActorChat.Rooms;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// The user's profile, which the account owns, and other users' profiles, read from the table the accounts write. A
/// change naming an avatar claims the photo first (only its uploader may, and it stays the avatar's), while the
/// client's later frames wait, so that two changes reach the account in the order they were sent.
/// </summary>
internal sealed class ProfileEdits(string user, IActorRef accounts, ActorSystem system, IClientOutput client)
{
    /// <summary>The photo store's answer about an avatar: the photo (null when this user may not use it), or a failure to ask.</summary>
    public sealed record AvatarClaimed(ProfileFrame Frame, AttachmentInfo? Info, bool Failed) : INoSerializationVerificationNeeded;

    /// <summary>Profiles read from the table; null when they could not be read.</summary>
    public sealed record Read(IReadOnlyList<UserProfile>? Profiles) : INoSerializationVerificationNeeded;

    /// <summary>True while the photo store is asked about an avatar: the client's frames wait.</summary>
    public bool Claiming { get; private set; }

    public void Change(ProfileFrame frame, IActorRef connection)
    {
        if (frame.Edit is not { SetAvatar: true, Avatar: { } avatar })
        {
            accounts.Tell(new SetProfile(user, frame.Edit), connection);
            return;
        }
        Claiming = true;
        AttachmentStore.Get(system).ClaimAsync(avatar, RoomAccess.Key(user), AttachmentStore.ProfileRoom, "avatar").PipeTo(connection,
            success: info => new AvatarClaimed(frame, info, Failed: false),
            failure: _ => new AvatarClaimed(frame, null, Failed: true));
    }

    public void Claimed(AvatarClaimed claimed, IActorRef connection)
    {
        Claiming = false;
        if (claimed.Failed)
            client.SendError(ErrorCodes.Unavailable, "the avatar could not be checked right now; try again", claimed.Frame.Edit.Avatar);
        else if (claimed.Info is null)
            client.SendError(ErrorCodes.Forbidden, "an avatar must be a photo you uploaded and did not attach to a message", claimed.Frame.Edit.Avatar);
        else
            accounts.Tell(new SetProfile(user, claimed.Frame.Edit), connection);
    }

    public void Lookup(ProfilesFrame frame, IActorRef connection) =>
        MessageTable.Get(system).Profiles.ReadAsync(frame.Users).PipeTo(connection,
            success: profiles => new Read(profiles),
            failure: _ => new Read(null));

    public void Answer(Read read)
    {
        if (read.Profiles is { } profiles)
            client.Send(ServerFrames.Profiles(profiles));
        else
            client.SendError(ErrorCodes.Unavailable, "profiles could not be read right now; try again", null);
    }

    /// <summary>The account's profile of the user: the answer to a change, or told after a change made on another device.</summary>
    public void Changed(UserProfile profile) => client.Send(ServerFrames.Profile(profile));

    public void Refused(ProfileRefused refused) => client.SendError(refused.Code, refused.Message, null);
}
