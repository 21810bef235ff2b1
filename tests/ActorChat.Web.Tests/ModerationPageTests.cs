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
}
