using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>
/// Invitations over real sockets, as a flood would send them: bounded per invited user and per inviter, and never
/// at the cost of the rooms the invited user joined themself.
/// </summary>
public sealed class InvitationLimitTests() : ServerTest(
    "ActorChat:Rooms:MaxPendingInvitations=5", "ActorChat:Rooms:MaxPendingInvitationsPerInviter=3", "ActorChat:Rooms:InvitationsPerHour=8")
{
    private static async Task<string> InviteOutcomeAsync(ChatClient owner, string room, string user)
    {
        await owner.SendAsync(new { type = "create", room, @private = true });
        await owner.ExpectAsync("joined");
        await owner.SendAsync(new { type = "invite", room, user });
        var answer = await owner.NextAsync();
        return answer.GetProperty("type").GetString() == "member"
            ? answer.GetProperty("event").GetString()!
            : $"{answer.GetProperty("code").GetString()} ({answer.GetProperty("ref").GetString()})";
    }

    private static async Task<List<string>> RoomListAsync(ChatClient client)
    {
        await client.SendAsync(new { type = "rooms" });
        var rooms = await client.ExpectAsync("rooms");
        return [.. rooms.GetProperty("rooms").EnumerateArray().Select(room => room.GetProperty("room").GetString()!)];
    }

    [Fact]
    public async Task An_invitation_flood_is_refused_past_each_inviters_share_and_the_invited_users_bound_and_their_own_rooms_stay_listed()
    {
        await using var victim = await Server.ConnectAsync("victim");
        await using var mallory = await Server.ConnectAsync("mallory");
        await using var trudy = await Server.ConnectAsync("trudy");
        await victim.JoinAsync("garden");

        var fromMallory = new List<string>();
        for (var i = 0; i < 4; i++)
            fromMallory.Add(await InviteOutcomeAsync(mallory, $"trap-m{i}", "victim"));
        var fromTrudy = new List<string>();
        for (var i = 0; i < 3; i++)
            fromTrudy.Add(await InviteOutcomeAsync(trudy, $"trap-t{i}", "victim"));

        Assert.Equal(["invited", "invited", "invited", "limit_reached (victim)"], fromMallory);
        Assert.Equal(["invited", "invited", "limit_reached (victim)"], fromTrudy);
        // The refused ones did not reach the room: the victim is not on their rosters.
        await victim.SendAsync(new { type = "join", room = "trap-m3" });
        Assert.Equal("forbidden", (await victim.ExpectAsync("error")).GetProperty("code").GetString());
        await victim.JoinAsync("attic");
        Assert.Equal(["garden", "trap-m0", "trap-m1", "trap-m2", "trap-t0", "trap-t1", "attic"], await RoomListAsync(victim));
    }

    [Fact]
    public async Task Joining_an_invited_room_takes_the_invitation_up_and_frees_its_place_for_the_next()
    {
        await using var bob = await Server.ConnectAsync("bob");
        await using var alice = await Server.ConnectAsync("alice");
        for (var i = 0; i < 3; i++)
            Assert.Equal("invited", await InviteOutcomeAsync(alice, $"team-{i}", "bob"));
        Assert.Equal("limit_reached (bob)", await InviteOutcomeAsync(alice, "team-3", "bob"));

        await bob.JoinAsync("team-0");
        await alice.ExpectSkippingAsync("presence", "member");

        Assert.Equal("invited", await InviteOutcomeAsync(alice, "team-4", "bob"));
        Assert.Equal(["team-0", "team-1", "team-2", "team-4"], await RoomListAsync(bob));
    }

    [Fact]
    public async Task An_inviter_past_its_hourly_budget_is_refused_with_rate_limited_whoever_it_invites()
    {
        await using var alice = await Server.ConnectAsync("alice");
        var outcomes = new List<string>();
        for (var i = 0; i < 9; i++)
        {
            // Each its own invitee, so that only the inviter's budget can run out.
            await Server.RegisterAndLoginAsync($"guest_{i}");
            outcomes.Add(await InviteOutcomeAsync(alice, $"party-{i}", $"guest_{i}"));
        }

        Assert.Equal([.. Enumerable.Repeat("invited", 8), "rate_limited (guest_8)"], outcomes);
    }
}
