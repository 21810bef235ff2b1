using System.Collections.Immutable;
using ActorChat.Connections;
using ActorChat.Protocol;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorChat.Rooms;

/// <summary>
/// What a room hands back of its past: the answer to a join with its replay, and the pages of <c>history</c>, from
/// the messages in its tail or, for older ones, from its journal. Each is bounded by <see cref="RoomSettings.ReplayMaxBytes"/>.
/// </summary>
internal sealed class RoomHistory(string room, string persistenceId, RoomSettings settings, RoomTail tail, ActorSystem system, Func<IMaterializer> materializer)
{
    private RecentMessages Recent => tail.Recent;

    /// <summary>
    /// The answer to <paramref name="join"/>: the room's seq, who is present, the replay (without the messages in
    /// <paramref name="alreadyAcked"/>, which the joiner hears of as acks), and the read markers of those named.
    /// </summary>
    public JoinedRoom JoinAnswer(Join join, RoomMembers members, RoomReads reads, IReadOnlySet<long>? alreadyAcked)
    {
        var latest = tail.Seq;
        var (from, truncated) = ReplayStart(join.Since, latest);
        // A crowd is named only up to MaxMembersListed, so that no frame grows with the room; memberCount says how many.
        // The joiner first: it sees itself present however large the crowd.
        var listed = members.Users.Where(user => user != join.User).Prepend(join.User).Take(settings.MaxMembersListed).ToList();
        var joined = ServerFrames.Joined(room, latest, listed, members.UserCount, Recent.Frames(from, latest, alreadyAcked), truncated);

        // One read frame per listed user with a marker, in the answer itself: a room of thousands does not fill the
        // joiner's queue with frames it asked for, and the answer to a retried join, dropped, takes them with it.
        var readFrames = new List<byte[]>();
        foreach (var user in listed)
        {
            if (reads.TryGet(user, out var read))
                readFrames.Add(ServerFrames.Read(room, user, read));
        }
        return new JoinedRoom(room, latest, joined, readFrames.Count > 0 ? readFrames : null);
    }

    private (long From, bool Truncated) ReplayStart(long? since, long latest)
    {
        if (since is null)
            return (Recent.FirstSeqWithin(Math.Max(1, latest - Limits.JoinBacklog + 1), latest, settings.ReplayMaxBytes), false);
        if (since.Value >= latest)
            return (latest + 1, false);
        var from = since.Value + 1;
        var limitedFrom = Math.Max(from, latest - settings.ReplayLimit + 1);
        var start = Recent.FirstSeqWithin(limitedFrom, latest, settings.ReplayMaxBytes);
        return (start, start > from);
    }

    /// <summary>The <c>history</c> frame answering <paramref name="request"/> from memory; null when the page is older than memory holds.</summary>
    public byte[]? PageFromMemory(GetHistory request)
    {
        var (from, to) = PageBounds(request, tail.Seq);
        if (to >= from && !Recent.Covers(from))
            return null;
        // A page holds at most ReplayMaxBytes of messages, like a replay: the newest of it that fit, and `more`
        // sends the client on from the first one it got. One message always fits, so paging never stalls.
        var start = to < from ? from : Math.Min(to, Recent.FirstSeqWithin(from, to, settings.ReplayMaxBytes));
        return ServerFrames.History(room, Recent.Frames(start, to), more: start > 1);
    }

    /// <summary>The <c>history</c> frame answering <paramref name="request"/>, read from the journal off the room's thread.</summary>
    public async Task<byte[]> PageFromJournalAsync(GetHistory request)
    {
        var (from, to) = PageBounds(request, tail.Seq);
        var page = await ReadJournal(from, to).ConfigureAwait(false);
        return JournalPage(page, from);
    }

    private static (long From, long To) PageBounds(GetHistory request, long latest)
    {
        var before = Math.Min(request.Before ?? long.MaxValue, latest + 1);
        return (Math.Max(1, before - request.Limit), before - 1);
    }

    /// <summary>The newest messages of <paramref name="page"/> within the byte bound (at least one), as a <c>history</c> frame.</summary>
    private byte[] JournalPage(IImmutableList<MessagePosted> page, long from)
    {
        var frames = new List<byte[]>(page.Count);
        long bytes = 0;
        for (var i = page.Count - 1; i >= 0; i--)
        {
            var frame = ServerFrames.Message(room, page[i].ToMessage());
            bytes += frame.Length;
            if (bytes > settings.ReplayMaxBytes && frames.Count > 0)
                break;
            frames.Add(frame);
        }
        frames.Reverse();
        var first = frames.Count == page.Count ? from : page[page.Count - frames.Count].Seq;
        return ServerFrames.History(room, frames, more: first > 1);
    }

    /// <summary>The stored messages numbered <paramref name="from"/> to <paramref name="to"/>, oldest first.</summary>
    public Task<IImmutableList<MessagePosted>> ReadJournal(long from, long to) =>
        PersistenceQuery.Get(system)
            .ReadJournalFor<ICurrentEventsByPersistenceIdQuery>(settings.ReadJournalPluginId)
            .CurrentEventsByPersistenceId(persistenceId, from, to)
            .Where(envelope => envelope.Event is MessagePosted posted && posted.Seq >= from && posted.Seq <= to)
            .Select(envelope => (MessagePosted)envelope.Event)
            .RunWith(Sink.Seq<MessagePosted>(), materializer());
}
