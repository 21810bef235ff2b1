using ActorChat.Connections;
using ActorChat.Protocol;
using ActorChat.Storage;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorChat.Rooms;

/// <summary>
/// What a room hands back of its past: the answer to a join with its replay, and the pages of <c>history</c>, from
/// the messages in its tail or, for older ones, from the message table. Each is bounded by <see cref="RoomSettings.ReplayMaxBytes"/>.
/// </summary>
internal sealed class RoomHistory(string room, string persistenceId, RoomSettings settings, RoomTail tail, RoomTable table, RoomMembers members,
    RoomDelivery delivery, ActorSystem system, Func<IMaterializer> materializer, IActorRef self)
{
    /// <summary>A page read from the message table, or the error that stopped the read, on its way back to the member that asked.</summary>
    public sealed record PageRead(IActorRef Connection, TablePage? Page, byte[]? Error) : INoSerializationVerificationNeeded;

    private RecentMessages Recent => tail.Recent;

    /// <summary>Answers a member's <c>history</c>: from memory at once, or from the message table off the room's thread.</summary>
    public void Page(GetHistory request, IActorRef connection)
    {
        // Only members read a room's past: a private room's former members no longer can.
        if (!members.Contains(connection))
        {
            connection.Tell(new NotMember(room, ""));
            connection.Tell(new Deliver(ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "the room restarted; ask again", room))));
            return;
        }
        if (PageFromMemory(request) is { } page)
        {
            delivery.SendTo(connection, new Deliver(page));
            return;
        }
        // Older than what the room keeps in memory: read from the message table, off the room's thread. The page goes
        // back through the room (<see cref="Read"/>), which puts in any change the table has not taken yet, and reaches
        // the member on the same path as everything else.
        table.WhenCaughtUp(() => PageFromTableAsync(request).PipeTo(self,
            success: read => new PageRead(connection, read, null),
            failure: _ => new PageRead(connection, null, ServerFrames.Error(new ProtocolError(ErrorCodes.Unavailable, "history is unavailable right now", room)))));
    }

    /// <summary>A page read from the table reaches the member that asked, in the state the room holds now.</summary>
    public void Read(PageRead read) =>
        delivery.SendTo(read.Connection, new Deliver(read.Page is { } page ? HistoryFrame(page) : read.Error!));

    /// <summary>
    /// The answer to <paramref name="join"/>: the room's seq, who is present, the replay, and the read markers of
    /// those named. Sends the connection lost track of that were stored after all are acked first and left out of
    /// the replay, so that the sender hears of its messages as acks only, in seq order.
    /// </summary>
    public JoinedRoom JoinAnswer(Join join, IActorRef connection, RoomReads reads, RoomAccessView? access, ModerationView? moderation = null)
    {
        HashSet<long>? alreadyAcked = null;
        foreach (var id in join.Unacked ?? [])
        {
            if (tail.TryGetSent(join.User, id, out var sent))
            {
                delivery.SendTo(connection, new Acked(room, id, sent.Seq, ServerFrames.Ack(room, id, sent.Seq, sent.Timestamp)));
                (alreadyAcked ??= []).Add(sent.Seq);
            }
        }

        var latest = tail.Seq;
        // A resume by revision gets the events after it, as they were announced; one that reaches back further than
        // the room holds starts over from the latest page.
        var events = join.Rev is { } rev ? tail.Events.After(rev, settings.ReplayMaxBytes) : null;
        var reset = join.Rev is not null && events is null;
        var (from, truncated) = events is not null ? (latest + 1, false) : ReplayStart(reset ? null : join.Since, latest);
        // A crowd is named only up to MaxMembersListed, so that no frame grows with the room; memberCount says how many.
        // The joiner first: it sees itself present however large the crowd.
        var listed = members.Users.Where(user => user != join.User).Prepend(join.User).Take(settings.MaxMembersListed).ToList();
        var joined = ServerFrames.Joined(room, latest, listed, members.UserCount, Recent.Frames(from, latest, alreadyAcked), truncated,
            tail.Rev, events, reset, access, moderation);

        // One read frame per listed user with a marker, in the answer itself: a room of thousands does not fill the
        // joiner's queue with frames it asked for, and the answer to a retried join, dropped, takes them with it.
        var readFrames = new List<byte[]>();
        foreach (var user in listed)
        {
            if (reads.TryGet(user, out var read))
                readFrames.Add(ServerFrames.Read(room, user, read));
        }
        return new JoinedRoom(room, latest, joined, readFrames.Count > 0 ? readFrames : null, access is not null);
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
    private byte[]? PageFromMemory(GetHistory request)
    {
        var (from, to) = PageBounds(request, tail.Seq);
        if (to >= from && !Recent.Covers(from))
            return null;
        // A page holds at most ReplayMaxBytes of messages, like a replay: the newest of it that fit, and `more`
        // sends the client on from the first one it got. One message always fits, so paging never stalls.
        var start = to < from ? from : Math.Min(to, Recent.FirstSeqWithin(from, to, settings.ReplayMaxBytes));
        return ServerFrames.History(room, Recent.Frames(start, to), more: start > 1);
    }

    /// <summary>The messages a page answering <paramref name="request"/> holds, read from the message table off the room's thread.</summary>
    private async Task<TablePage> PageFromTableAsync(GetHistory request)
    {
        var (from, to) = PageBounds(request, tail.Seq);
        var rows = await table.Table.ReadAsync(room, from, to).ConfigureAwait(false);
        return new TablePage(from, rows);
    }

    private static (long From, long To) PageBounds(GetHistory request, long latest)
    {
        var before = Math.Min(request.Before ?? long.MaxValue, latest + 1);
        return (Math.Max(1, before - request.Limit), before - 1);
    }

    /// <summary>
    /// The <c>history</c> frame of <paramref name="page"/>: its newest messages within the byte bound (at least one),
    /// each in the state the room holds when it holds one newer than the table's.
    /// </summary>
    private byte[] HistoryFrame(TablePage page)
    {
        var rows = page.Rows;
        var frames = new List<byte[]>(rows.Count);
        long bytes = 0;
        for (var i = rows.Count - 1; i >= 0; i--)
        {
            var frame = tail.TryFind(rows[i].Seq, out var held) ? held.Frame : MessageState.Of(room, rows[i]).Frame;
            bytes += frame.Length;
            if (bytes > settings.ReplayMaxBytes && frames.Count > 0)
                break;
            frames.Add(frame);
        }
        frames.Reverse();
        var first = frames.Count == rows.Count ? page.From : rows[rows.Count - frames.Count].Seq;
        return ServerFrames.History(room, frames, more: first > 1);
    }

    /// <summary>The events stored at revisions <paramref name="from"/> to <paramref name="to"/>, oldest first.</summary>
    public async Task<IReadOnlyList<RevisedEvent>> ReadJournal(long from, long to) =>
        await PersistenceQuery.Get(system)
            .ReadJournalFor<ICurrentEventsByPersistenceIdQuery>(settings.ReadJournalPluginId)
            .CurrentEventsByPersistenceId(persistenceId, from, to)
            .Where(envelope => envelope.Event is IRoomEvent)
            .Select(envelope => new RevisedEvent(envelope.SequenceNr, (IRoomEvent)envelope.Event))
            .RunWith(Sink.Seq<RevisedEvent>(), materializer()).ConfigureAwait(false);
}

/// <summary>Messages read from the message table for a <c>history</c> page that starts at <paramref name="From"/>.</summary>
internal sealed record TablePage(long From, IReadOnlyList<MessageRow> Rows);
