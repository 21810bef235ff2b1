using ActorChat.Accounts;
using ActorChat.Protocol;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// The users this user blocked, which the account owns and tells every device of the user: a block names an
/// existing user (that user's account is asked first, and gives the name as registered); an unblock needs no check.
/// </summary>
internal sealed class UserBlocks(string user, IActorRef accounts, TimeSpan askTimeout, IClientOutput client)
{
    /// <summary>The account of the user to block answered (null: it could not be asked).</summary>
    public sealed record TargetChecked(BlockFrame Frame, ContactAnswer? Answer) : INoSerializationVerificationNeeded;

    public void Change(BlockFrame frame, IActorRef connection)
    {
        if (string.Equals(frame.User, user, StringComparison.OrdinalIgnoreCase))
        {
            client.SendError(ErrorCodes.BadFrame, "you cannot block yourself", frame.User);
            return;
        }
        if (!frame.Block)
        {
            accounts.Tell(new ChangeBlock(user, frame.User, Block: false), connection);
            return;
        }
        accounts.Ask<ContactAnswer>(new CheckContact(frame.User, user), askTimeout).PipeTo(connection,
            success: answer => new TargetChecked(frame, answer),
            failure: _ => new TargetChecked(frame, null));
    }

    public void Checked(TargetChecked target, IActorRef connection)
    {
        var (frame, answer) = target;
        if (answer is null)
            client.SendError(ErrorCodes.Unavailable, "the user could not be looked up right now; try again", frame.User);
        else if (answer.Username is null)
            client.SendError(ErrorCodes.NotFound, $"no user '{frame.User}'", frame.User);
        else
            accounts.Tell(new ChangeBlock(user, answer.Username, Block: true), connection);
    }

    public void List(IActorRef connection) => accounts.Tell(new GetBlocks(user), connection);

    /// <summary>The account's list, answering this connection or told to every device of the user after a change.</summary>
    public void Listed(BlockList list)
    {
        if (list.Refusal is { } refusal)
            client.SendError(ErrorCodes.LimitReached, refusal, null);
        else
            client.Send(ServerFrames.Blocks(list.Users));
    }
}
