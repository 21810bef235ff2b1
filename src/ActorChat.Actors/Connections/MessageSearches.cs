using ActorChat.Accounts;
using ActorChat.Protocol;
using ActorChat.Storage;
using Akka.Actor;

namespace ActorChat.Connections;

/// <summary>
/// A connection's searches: one at a time, each asking the user's account whom they blocked (so that those users'
/// messages stay out), then the message table's index, which decides in the same query what the user may read now.
/// </summary>
internal sealed class MessageSearches(string user, IActorRef accounts, MessageTable table, TimeSpan askTimeout, TimeProvider clock, IClientOutput client)
{
    /// <summary>A search finished: its page, or the error the client hears.</summary>
    public sealed record Done(SearchFrame Frame, SearchPage? Page, ProtocolError? Error) : INoSerializationVerificationNeeded;

    private bool _searching;

    public void Search(SearchFrame frame, IActorRef connection)
    {
        if (_searching)
        {
            client.SendError(ErrorCodes.RateLimited, "one search at a time: wait for the results of the one before", frame.Id);
            return;
        }
        _searching = true;
        RunAsync().PipeTo(connection, success: done => done, failure: cause => new Done(frame, null, cause is FormatException
            ? new ProtocolError(ErrorCodes.BadFrame, "field 'after' is not the 'next' of a page of this search", frame.Id)
            : new ProtocolError(ErrorCodes.Unavailable, "the search could not be run right now; try again", frame.Id)));

        async Task<Done> RunAsync()
        {
            var blocks = await accounts.Ask<BlockList>(new GetBlocks(user), askTimeout).ConfigureAwait(false);
            var page = await table.SearchAsync(frame.Query, user, blocks.Users, frame.After, frame.Limit, clock.GetUtcNow()).ConfigureAwait(false);
            return new Done(frame, page, null);
        }
    }

    public void Finished(Done done)
    {
        _searching = false;
        client.Send(done.Page is { } page ? ServerFrames.Results(done.Frame.Id, page, done.Frame.Query) : ServerFrames.Error(done.Error!));
    }
}
