using ActorChat.Connections;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.Persistence;

namespace ActorChat.Tests.Storage;

/// <summary>A room turns the sends that arrive during a write into one next write, not one write each.</summary>
public sealed class WriteBatchingSpecs() : ChatSpec(GatedJournal.Config)
{
    [Fact]
    public void Two_hundred_sends_that_arrive_during_one_write_are_stored_in_one_more_write_and_acked_in_order()
    {
        var journal = Persistence.Instance.Apply(Sys).JournalFor(GatedJournal.PluginId);
        var room = StartRoom("burst");
        var (alice, _) = Join(room, "burst", "alice");
        var (bob, _) = Join(room, "burst", "bob");
        ExpectFrame(alice, "presence");
        var before = JournalAnswer(journal, GatedJournal.Close.Instance);

        room.Tell(new Post("burst", "alice", "m1", "the first, written alone"), alice.Ref);
        AwaitAssert(() => Assert.Equal(before + 1, JournalAnswer(journal, GatedJournal.CountWrites.Instance)), ColdStartDeadline);
        for (var i = 2; i <= 200; i++)
            room.Tell(new Post("burst", "alice", $"m{i}", $"burst message {i}"), alice.Ref);
        // Every send is in the room's hands before the first write completes.
        room.Tell(new Typing("burst", "alice"), alice.Ref);
        ExpectFrame(bob, "typing");
        JournalAnswer(journal, GatedJournal.Open.Instance);

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), Enumerable.Range(0, 200).Select(_ => alice.ExpectMsg<Acked>(ColdStartDeadline).Seq));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), Enumerable.Range(0, 200).Select(_ => bob.ExpectMsg<DeliverSequenced>(ColdStartDeadline).Seq));
        Assert.Equal(before + 2, JournalAnswer(journal, GatedJournal.CountWrites.Instance));
    }

    private int JournalAnswer(IActorRef journal, object request)
    {
        journal.Tell(request, TestActor);
        return ExpectMsg<GatedJournal.Writes>(ColdStartDeadline).Count;
    }
}
