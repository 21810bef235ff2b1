using System.Text.Json;
using ActorChat.Connections;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.TestKit;

namespace ActorChat.Tests.Rooms;

/// <summary>Members report messages to a room's moderators: stored once, told to the moderators present, never naming the reporter to the reported.</summary>
public sealed class ReportSpecs : ChatSpec
{
    [Fact]
    public void A_report_reaches_the_moderators_present_once_and_the_reported_never_learns_who_made_it()
    {
        var room = StartRoom("square");
        var owner = CreatePublic(room, "square", "olga");
        var (mod, _) = Join(room, "square", "mo");
        var (spammer, _) = Join(room, "square", "spam");
        var (reader, _) = Join(room, "square", "rita");
        room.Tell(ModerationSpecs.Do("square", "olga", "r1", ModerationAction.Role, "mo", "moderator"), owner.Ref);
        FishFrame(owner, "ack");
        room.Tell(new Post("square", "spam", "s1", "cheap watches"), spammer.Ref);
        FishFrame(spammer, "ack");
        room.Tell(new Post("square", "mo", "m1", "welcome all"), mod.Ref);
        FishFrame(mod, "ack");

        room.Tell(new ReportMessage("square", "rita", "rep1", 1, "spam links"), reader.Ref);

        Assert.Equal("rep1", FishFrame(reader, "ack").GetProperty("id").GetString());
        foreach (var staff in new[] { owner, mod })
        {
            var report = FishFrame(staff, "report");
            Assert.Equal((1L, "spam", "rita", "spam links"), (report.GetProperty("seq").GetInt64(), report.GetProperty("from").GetString(),
                report.GetProperty("by").GetString(), report.GetProperty("reason").GetString()));
        }
        // A retry by the same id is acked again, and is no news to anyone.
        room.Tell(new ReportMessage("square", "rita", "rep1", 1, "spam links"), reader.Ref);
        FishFrame(reader, "ack");
        // A moderator reported sees the report without who made it.
        room.Tell(new ReportMessage("square", "rita", "rep2", 2, "rude"), reader.Ref);
        FishFrame(reader, "ack");
        var aboutMod = FishFrame(mod, "report");
        Assert.Equal(2, aboutMod.GetProperty("seq").GetInt64());
        Assert.False(aboutMod.TryGetProperty("by", out _));
        Assert.Equal("rita", FishFrame(owner, "report").GetProperty("by").GetString());
        // The spammer heard of none of it: up to a marker posted after, no report came their way.
        room.Tell(new Post("square", "olga", "o1", "marker"), owner.Ref);
        var heard = new List<string>();
        while (heard.LastOrDefault() != "marker")
        {
            var frame = Json(spammer.FishForMessage(m => m is Deliver or DeliverSequenced) switch { Deliver d => d.Frame, DeliverSequenced q => q.Frame, _ => [] });
            heard.Add(frame.GetProperty("type").GetString() == "message" ? frame.GetProperty("text").GetString()! : frame.GetProperty("type").GetString()!);
        }
        Assert.DoesNotContain("report", heard);

        room.Tell(new GetReports("square", "mo", null, 10), mod.Ref);
        var entries = FishFrame(mod, "reports").GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([2L, 1L], entries.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.False(entries[0].TryGetProperty("by", out _));
        Assert.Equal("rita", entries[1].GetProperty("by").GetString());
    }

    [Fact]
    public void A_member_reads_no_reports_and_nobody_reports_their_own_or_a_missing_message()
    {
        var room = StartRoom("yard");
        CreatePublic(room, "yard", "olga");
        var (member, _) = Join(room, "yard", "rita");
        room.Tell(new Post("yard", "rita", "p1", "hello"), member.Ref);
        FishFrame(member, "ack");

        room.Tell(new ReportMessage("yard", "rita", "rep1", 1, ""), member.Ref);
        Assert.Equal(("not_found", "rep1"), Code(FishFrame(member, "error")));
        room.Tell(new ReportMessage("yard", "rita", "rep2", 9, ""), member.Ref);
        Assert.Equal(("not_found", "rep2"), Code(FishFrame(member, "error")));
        room.Tell(new GetReports("yard", "rita", null, 10), member.Ref);
        Assert.Equal(("forbidden", "yard"), Code(FishFrame(member, "error")));
        // A server administrator reads them in any room.
        room.Tell(new GetReports("yard", "root", null, 10, Admin: true), member.Ref);
        Assert.Empty(FishFrame(member, "reports").GetProperty("entries").EnumerateArray());

        static (string?, string?) Code(JsonElement error) => (error.GetProperty("code").GetString(), error.GetProperty("ref").GetString());
    }
}
