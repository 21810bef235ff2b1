using ActorChat.Accounts;
using ActorChat.Protocol;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// A direct room, asked for by the other user's name: that user's account is asked first whether it exists and
/// whether it blocked this user, and the connection joins the room once it may; the client hears why not otherwise.
/// </summary>
/// <param name="askTimeout">How long the account is waited for before the client is told to try again.</param>
internal sealed class DirectRooms(string user, IActorRef accounts, TimeSpan askTimeout, ConnectionRooms rooms, IClientOutput client)
{
    /// <summary>Whether the other user of a direct room exists (null: the account could not be asked), and whether they blocked this user.</summary>
    public sealed record PeerChecked(string User, string Room, bool? Exists, bool Blocked = false) : INoSerializationVerificationNeeded;

    /// <summary>Asks the other user's account; the answer comes to <paramref name="connection"/> as <see cref="PeerChecked"/>.</summary>
    public void Open(DirectFrame direct, IActorRef connection)
    {
        if (Limits.DirectRoom(user, direct.User) is not { } room)
        {
            client.SendError(ErrorCodes.BadFrame, "a direct conversation needs another user", direct.User);
            return;
        }
        var peer = direct.User;
        accounts.Ask<ContactAnswer>(new CheckContact(peer, user), askTimeout).PipeTo(connection,
            success: answer => new PeerChecked(peer, room, answer.Username is not null, answer.Blocked),
            failure: _ => new PeerChecked(peer, room, null));
    }

    /// <summary>The account answered: the connection joins the room, or the client hears why not.</summary>
    public void Checked(PeerChecked peer)
    {
        if (peer.Exists is null)
            client.SendError(ErrorCodes.Unavailable, "the user could not be looked up right now; try again", peer.User);
        else if (peer.Exists == false)
            client.SendError(ErrorCodes.NotFound, $"no user '{peer.User}'", peer.User);
        else if (peer.Blocked)
            client.SendError(ErrorCodes.Forbidden, $"'{peer.User}' does not take direct messages from you", peer.User);
        else
            rooms.Join(new JoinFrame(peer.Room, null));
    }
}
