using ActorChat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>What a member sees in the page when a room's moderators act on them.</summary>
public sealed class ModerationPageTests(BrowserFixture browser) : PageTest(browser)
{
    [Fact]
    public async Task A_banned_member_sees_the_room_go_with_the_reason_and_cannot_join_it_again()
    {
        await using var owner = await Server.ConnectAsync("plaza_owner");
        await owner.SendAsync(new { type = "create", room = "plaza" });
        await owner.ExpectAsync("joined");
        var spammer = await OpenAsSignedUpUserAsync("plaza_spammer");
        await JoinAsync(spammer, "plaza");
        await owner.ExpectAsync("presence");

        await owner.SendAsync(new { type = "ban", room = "plaza", id = "b1", user = "plaza_spammer", reason = "spam links" });
        await owner.ExpectAsync("ack");

        await Expect(Notice(spammer, "You were banned from #plaza: spam links")).ToBeVisibleAsync();
        await Expect(RoomItem(spammer, "plaza")).ToHaveCountAsync(0);
        await ScreenshotAsync(spammer, "banned-desktop-light");

        await spammer.GetByTestId("join-room-input").FillAsync("plaza");
        await spammer.GetByTestId("join-room-button").ClickAsync();
        await Expect(Notice(spammer, "Could not join #plaza")).ToBeVisibleAsync();
        await Expect(RoomItem(spammer, "plaza")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_room_typed_by_a_new_name_is_its_makers_to_moderate_and_an_existing_one_is_simply_joined()
    {
        await using var other = await Server.ConnectAsync("lobby_maker");
        await other.SendAsync(new { type = "create", room = "lobby_taken" });
        await other.ExpectAsync("joined");
        var maker = await OpenAsSignedUpUserAsync("room_maker");

        await JoinAsync(maker, "fresh_room");
        await Expect(Member(maker, "room_maker").GetByTestId("role-badge")).ToHaveTextAsync("owner");

        // Taken already: joined as a member, without a word of the conflict.
        await JoinAsync(maker, "lobby_taken");
        await Expect(Member(maker, "lobby_maker").GetByTestId("role-badge")).ToHaveTextAsync("owner");
        await Expect(Member(maker, "room_maker").GetByTestId("role-badge")).ToHaveCountAsync(0);
        await Expect(maker.GetByTestId("notices")).Not.ToContainTextAsync("exists");
        await other.ExpectSkippingAsync("presence", "read", "received");

        // The server says so too: the maker joins as the owner from any client.
        await using var socket = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.LoginAsync("room_maker", "correct horse battery"));
        await socket.ExpectAsync("welcome");
        var joined = await socket.JoinAsync("fresh_room");
        Assert.Equal("owner", joined.GetProperty("role").GetString());
    }

    // What else the socket clients hear meanwhile: the moderator's arrival and receipts, the room's changes.
    private static readonly string[] Ignorable = ["presence", "message", "read", "received", "moderation", "deleted"];

    private static ILocator Member(IPage page, string user) => page.GetByTestId("members").Locator($"li[data-user=\"{user}\"]");

    private static ILocator Row(IPage page, string text) =>
        page.GetByTestId("message-list").Locator("li.msg", new LocatorLocatorOptions { HasText = text });

    [Theory]
    [InlineData("desktop-light", 1280, 800, false)]
    [InlineData("phone-dark", 390, 844, true)]
    public async Task A_moderator_deletes_a_spammers_message_and_bans_them_from_the_member_list(string look, int width, int height, bool dark)
    {
        var suffix = dark ? "p" : "d";
        await using var owner = await Server.ConnectAsync($"owner_{suffix}");
        await owner.SendAsync(new { type = "create", room = $"hall_{suffix}" });
        await owner.ExpectAsync("joined");
        var moderator = await OpenAsSignedUpUserAsync($"mod_{suffix}", new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
        });
        await JoinAsync(moderator, $"hall_{suffix}");
        await using var spammer = await Server.ConnectAsync($"spam_{suffix}");
        await spammer.JoinAsync($"hall_{suffix}");
        await spammer.SendAsync(new { type = "send", room = $"hall_{suffix}", id = "s1", text = "cheap watches here" });
        await spammer.ExpectAsync("ack");
        await Expect(Message(moderator, "cheap watches here")).ToBeVisibleAsync();

        // A member has no moderation controls.
        await Expect(Member(moderator, $"spam_{suffix}").GetByTestId("member-moderation")).ToHaveCountAsync(0);
        await Expect(Row(moderator, "cheap watches here").GetByTestId("delete-button")).ToBeHiddenAsync();

        await owner.SendAsync(new { type = "role", room = $"hall_{suffix}", id = "r1", user = $"mod_{suffix}", role = "moderator" });
        await owner.ExpectSkippingAsync("ack", Ignorable);
        await Expect(Member(moderator, $"mod_{suffix}").GetByTestId("role-badge")).ToHaveTextAsync("moderator");
        await Expect(Member(moderator, $"owner_{suffix}").GetByTestId("role-badge")).ToHaveTextAsync("owner");
        // The owner outranks a moderator: no controls beside the owner's name.
        await Expect(Member(moderator, $"owner_{suffix}").GetByTestId("member-moderation")).ToHaveCountAsync(0);

        var spam = Row(moderator, "cheap watches here");
        await spam.HoverAsync();
        await Expect(spam.GetByTestId("delete-button")).ToBeVisibleAsync();
        await spam.GetByTestId("delete-button").ClickAsync();
        await spam.GetByTestId("delete-button").ClickAsync();
        await Expect(Message(moderator, "cheap watches here")).ToHaveCountAsync(0);
        await Expect(moderator.GetByTestId("message-list").Locator("li.msg.deleted")).ToContainTextAsync("Removed by a moderator");
        await spammer.ExpectSkippingAsync("deleted", Ignorable);

        // On a phone who is here opens from the count beside the room's name.
        if (dark)
            await moderator.GetByTestId("member-count").ClickAsync();
        await Expect(Member(moderator, $"spam_{suffix}").GetByTestId("ban-button")).ToBeVisibleAsync();
        await ScreenshotAsync(moderator, $"moderator-{look}");
        await Member(moderator, $"spam_{suffix}").GetByTestId("ban-button").ClickAsync();
        var left = await spammer.ExpectSkippingAsync("left", Ignorable);
        Assert.Equal("banned", left.GetProperty("reason").GetString());
        await Expect(Member(moderator, $"spam_{suffix}")).ToHaveCountAsync(0);
    }
}
