using ActorChat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>Private rooms and direct messages on the page: who gets in, who is put out, and starting a conversation from a name.</summary>
public sealed class PrivateRoomTests(BrowserFixture browser) : PageTest(browser)
{
    [Fact]
    public async Task A_private_room_refuses_an_outsider_admits_the_invited_and_puts_out_the_removed()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_private");
        var bob = await OpenAsSignedUpUserAsync("bob_private");
        var carol = await OpenAsSignedUpUserAsync("carol_outside");

        await alice.GetByTestId("join-room-input").FillAsync("plans");
        await alice.GetByTestId("private-room").CheckAsync();
        await alice.GetByTestId("join-room-button").ClickAsync();
        await Expect(alice.GetByTestId("roster-list")).ToHaveTextAsync("alice_private");
        await Expect(RoomItem(alice, "plans").Locator(".hash svg.icon-lock")).ToBeVisibleAsync();
        await SendAsync(alice, "the surprise party is on friday");

        // An outsider is refused, and the room does not stay in their list.
        await carol.GetByTestId("join-room-input").FillAsync("plans");
        await carol.GetByTestId("join-room-button").ClickAsync();
        await Expect(Notice(carol, "Could not join #plans")).ToBeVisibleAsync();
        await Expect(RoomItem(carol, "plans")).ToHaveCountAsync(0);
        await Expect(Message(carol, "surprise")).ToHaveCountAsync(0);

        // A name nobody holds is refused in words, and nobody joins the roster.
        await alice.GetByTestId("invite-input").FillAsync("nobody_here");
        await alice.GetByTestId("invite-button").ClickAsync();
        await Expect(Notice(alice, "No user named nobody_here")).ToBeVisibleAsync();
        await Expect(alice.GetByTestId("roster-list").Locator("li")).ToHaveCountAsync(1);

        await alice.GetByTestId("invite-input").FillAsync("bob_private");
        await alice.GetByTestId("invite-button").ClickAsync();
        await Expect(alice.GetByTestId("roster-list").Locator("li")).ToHaveCountAsync(2);
        // The invitation waits in Bob's list for his answer: nothing of the room is his until he joins.
        await Expect(RoomItem(bob, "plans").GetByTestId("invited")).ToBeVisibleAsync();
        await RoomItem(bob, "plans").Locator(".room-open").ClickAsync();
        await Expect(bob.GetByTestId("invitation-text")).ToHaveTextAsync("alice_private invited you to #plans.");
        await Expect(Message(bob, "the surprise party is on friday")).ToHaveCountAsync(0);
        await Expect(bob.GetByTestId("composer")).ToBeDisabledAsync();
        await ScreenshotAsync(bob, "invitation-desktop-light");
        await bob.GetByTestId("invitation-accept").ClickAsync();
        await Expect(Message(bob, "the surprise party is on friday")).ToBeVisibleAsync();
        await Expect(bob.GetByTestId("invitation")).ToBeHiddenAsync();
        await Expect(RoomItem(bob, "plans").GetByTestId("invited")).ToBeHiddenAsync();
        await Expect(bob.GetByTestId("invite-form")).ToBeHiddenAsync();
        await ScreenshotAsync(alice, "private-room-desktop-light");

        await alice.GetByTestId("roster-list").Locator("li[data-user=\"bob_private\"]").GetByTestId("remove-member").ClickAsync();

        await Expect(Notice(bob, "You were removed from #plans")).ToBeVisibleAsync();
        await Expect(RoomItem(bob, "plans")).ToHaveCountAsync(0);
        await Expect(alice.GetByTestId("roster-list").Locator("li")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task An_owner_made_by_the_creator_invites_and_removes_from_the_page_but_cannot_remove_an_owner()
    {
        await using var creator = await Server.ConnectAsync("den_creator");
        await using var guest = await Server.ConnectAsync("den_guest");
        var coOwner = await OpenAsSignedUpUserAsync("den_coowner");
        await creator.SendAsync(new { type = "create", room = "den", @private = true });
        await creator.ExpectAsync("joined");
        await creator.SendAsync(new { type = "invite", room = "den", user = "den_coowner" });
        await creator.ExpectAsync("member");
        await RoomItem(coOwner, "den").Locator(".room-open").ClickAsync();
        await coOwner.GetByTestId("invitation-accept").ClickAsync();
        await Expect(coOwner.GetByTestId("roster-list").Locator("li")).ToHaveCountAsync(2);
        await Expect(coOwner.GetByTestId("invite-form")).ToBeHiddenAsync();

        await creator.SendAsync(new { type = "role", room = "den", id = "r1", user = "den_coowner", role = "owner" });
        await creator.ExpectSkippingAsync("ack", "presence", "read", "received");
        await Expect(coOwner.GetByTestId("invite-form")).ToBeVisibleAsync();
        await coOwner.GetByTestId("invite-input").FillAsync("den_guest");
        await coOwner.GetByTestId("invite-button").ClickAsync();
        await Expect(coOwner.GetByTestId("roster-list").Locator("li")).ToHaveCountAsync(3);
        var byCoOwner = await creator.ExpectSkippingAsync("member", "presence", "read", "received");
        Assert.Equal(("den_guest", "den_coowner"), (byCoOwner.GetProperty("user").GetString(), byCoOwner.GetProperty("by").GetString()));

        // The creator is an owner: no remove button beside them; the guest has one.
        var roster = coOwner.GetByTestId("roster-list");
        await Expect(roster.Locator("li[data-user=\"den_creator\"]").GetByTestId("remove-member")).ToHaveCountAsync(0);
        await roster.Locator("li[data-user=\"den_guest\"]").GetByTestId("remove-member").ClickAsync();
        await Expect(roster.Locator("li")).ToHaveCountAsync(2);
        await guest.SendAsync(new { type = "join", room = "den" });
        Assert.Equal("forbidden", (await guest.ExpectSkippingAsync("error", "room", "rooms")).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_direct_conversation_starts_from_a_name_both_see_it_under_the_other_name_and_a_third_user_is_refused()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_direct");
        var bob = await OpenAsSignedUpUserAsync("bob_direct");
        await JoinAsync(alice, "hall");
        await JoinAsync(bob, "hall");

        // From the name of someone present.
        await alice.GetByTestId("members").Locator("li[data-user=\"bob_direct\"]").GetByTestId("dm-button").ClickAsync();
        await Expect(alice.GetByTestId("current-room")).ToHaveTextAsync("bob_direct");
        await Expect(RoomItem(alice, "dm:alice_direct:bob_direct").Locator(".room-name")).ToHaveTextAsync("bob_direct");
        await SendAsync(alice, "just between us");

        // From a typed name.
        await bob.GetByTestId("dm-input").FillAsync("Alice_Direct");
        await bob.GetByTestId("dm-start").ClickAsync();
        await Expect(bob.GetByTestId("current-room")).ToHaveTextAsync("alice_direct");
        await Expect(Message(bob, "just between us")).ToBeVisibleAsync();

        // No such user: the page says so and keeps no room for it.
        await bob.GetByTestId("dm-input").FillAsync("nobody_here");
        await bob.GetByTestId("dm-start").ClickAsync();
        await Expect(Notice(bob, "No user named nobody_here")).ToBeVisibleAsync();
        await Expect(RoomItem(bob, "dm:bob_direct:nobody_here")).ToHaveCountAsync(0);

        // A third user: the page takes no conversation's name in its join box, and the server refuses a client that
        // asks for it anyway.
        var carol = await OpenAsSignedUpUserAsync("carol_direct");
        await carol.GetByTestId("join-room-input").FillAsync("dm:alice_direct:bob_direct");
        await carol.GetByTestId("join-room-button").ClickAsync();
        await Expect(carol.GetByTestId("join-room-input")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(RoomItem(carol, "dm:alice_direct:bob_direct")).ToHaveCountAsync(0);
        await Expect(Message(carol, "just between us")).ToHaveCountAsync(0);
        await using var dave = await Server.ConnectAsync("dave_direct");
        await dave.SendAsync(new { type = "join", room = "dm:alice_direct:bob_direct" });
        var refused = await dave.ExpectAsync("error");
        Assert.Equal("forbidden", refused.GetProperty("code").GetString());
    }
}
