using ActorChat.Connections;
using ActorChat.Rooms;
using Akka.Actor;
using Xunit;

namespace ActorChat.Actors.Tests.Connections;

public class RoomSessionsSpecs
{
    /// <summary>A clock that moves only when told to.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private static readonly ConnectionSettings Settings = new() { RetryInterval = TimeSpan.FromSeconds(3), SendDeadline = TimeSpan.FromSeconds(30) };

    [Fact]
    public void The_backoff_doubles_from_a_quarter_second_up_to_the_retry_interval()
    {
        var sessions = new RoomSessions("alice", Settings, new ManualClock());

        Assert.Equal(
            [0.25, 0.5, 1, 2, 3, 3],
            Enumerable.Range(0, 6).Select(attempt => sessions.Backoff(attempt).TotalSeconds));
    }

    [Fact]
    public void An_unanswered_join_goes_again_on_the_backoff_and_then_no_sooner()
    {
        var clock = new ManualClock();
        var sessions = new RoomSessions("alice", Settings, clock);
        var session = sessions.Add("lobby", since: 4, ActorRefs.Nobody);
        session.JoinSent(sessions.Now);

        Assert.Equal(TimeSpan.FromMilliseconds(250), sessions.NextJoinDue(sessions.Now));
        Assert.Empty(sessions.Due(sessions.Now).Resend);

        clock.Advance(TimeSpan.FromMilliseconds(250));
        var (resend, expired, waiting) = sessions.Due(sessions.Now);
        var join = Assert.IsType<Join>(Assert.Single(resend));
        Assert.Equal(("lobby", "alice", 4L), (join.Room, join.User, join.Since!.Value));
        Assert.Empty(expired);
        Assert.True(waiting);
        Assert.Equal(TimeSpan.FromMilliseconds(500), sessions.NextJoinDue(sessions.Now));
    }

    [Fact]
    public void A_send_past_the_deadline_is_given_up_and_named()
    {
        var clock = new ManualClock();
        var sessions = new RoomSessions("alice", Settings, clock);
        var session = sessions.Add("lobby", since: null, ActorRefs.Nobody);
        session.Answered(ActorRefs.Nobody);
        session.Add(new Post("lobby", "alice", "m-1", "hi"), sessions.Now);

        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(["m-1"], sessions.Due(sessions.Now).Resend.Cast<Post>().Select(post => post.Id));

        clock.Advance(TimeSpan.FromSeconds(27));
        var (resend, expired, waiting) = sessions.Due(sessions.Now);
        Assert.Empty(resend);
        Assert.Equal(["m-1"], expired);
        Assert.False(waiting);
        Assert.Null(sessions.NextJoinDue(sessions.Now));
    }
}
