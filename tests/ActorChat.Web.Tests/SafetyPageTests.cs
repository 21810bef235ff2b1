using ActorChat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>What keeps a stranger at a distance, from the page: blocking, reporting, and an administrator's suspension.</summary>
public sealed class SafetyPageTests(BrowserFixture browser) : PageTest(browser, "ActorChat:Admin:Users:0=page_admin")
{
    private static readonly string[] Ignorable = ["presence", "message", "read", "received", "rooms", "room", "moderation"];

    private static ILocator Member(IPage page, string user) => page.GetByTestId("members").Locator($"li[data-user=\"{user}\"]");

    private static ILocator Row(IPage page, string text) =>
        page.GetByTestId("message-list").Locator("li.msg", new LocatorLocatorOptions { HasText = text });

    private static async Task ShowMembersAsync(IPage page, bool phone)
    {
        if (phone)
            await page.GetByTestId("member-count").ClickAsync();
    }

    [Theory]
    [InlineData("desktop-light", 1280, 800, false)]
    [InlineData("phone-dark", 390, 844, true)]
    public async Task A_user_blocks_a_pest_from_the_member_list_whose_messages_fold_away_and_who_cannot_start_a_conversation(
        string look, int width, int height, bool phone)
    {
        var suffix = phone ? "p" : "d";
        var alice = await OpenAsSignedUpUserAsync($"alice_{suffix}", new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = phone ? ColorScheme.Dark : ColorScheme.Light,
        });
        await JoinAsync(alice, $"hall_{suffix}");
        await using var pest = await Server.ConnectAsync($"pest_{suffix}");
        await pest.JoinAsync($"hall_{suffix}");
        await pest.SendAsync(new { type = "send", room = $"hall_{suffix}", id = "p1", text = "look at my links" });
        await pest.ExpectSkippingAsync("ack", Ignorable);
        await Expect(Message(alice, "look at my links")).ToBeVisibleAsync();

        await ShowMembersAsync(alice, phone);
        await Member(alice, $"pest_{suffix}").GetByTestId("block-button").ClickAsync();

        var folded = Row(alice, "Message from a user you blocked");
        await Expect(folded).ToBeVisibleAsync();
        await Expect(Message(alice, "look at my links")).ToHaveCountAsync(0);
        await Expect(Member(alice, $"pest_{suffix}").GetByTestId("unblock-button")).ToBeVisibleAsync();
        await ScreenshotAsync(alice, $"blocked-{look}");
        await pest.SendAsync(new { type = "dm", user = $"alice_{suffix}" });
        var dm = await pest.ExpectSkippingAsync("error", Ignorable);
        Assert.Equal("forbidden", dm.GetProperty("code").GetString());

        // One message shown on request; the block stays.
        await folded.GetByTestId("reveal-blocked").ClickAsync();
        await Expect(Message(alice, "look at my links")).ToBeVisibleAsync();
        await Member(alice, $"pest_{suffix}").GetByTestId("unblock-button").ClickAsync();
        await Expect(Member(alice, $"pest_{suffix}").GetByTestId("block-button")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_member_reports_a_message_and_the_rooms_owner_is_told_in_the_page()
    {
        var dark = new BrowserNewContextOptions { ColorScheme = ColorScheme.Dark };
        var owner = await OpenAsSignedUpUserAsync("square_owner", dark);
        await JoinAsync(owner, "square");
        var reader = await OpenAsSignedUpUserAsync("square_reader", dark);
        await JoinAsync(reader, "square");
        await using var spammer = await Server.ConnectAsync("square_spam");
        await spammer.JoinAsync("square");
        await spammer.SendAsync(new { type = "send", room = "square", id = "s1", text = "cheap watches, click here" });
        await spammer.ExpectSkippingAsync("ack", Ignorable);

        var spam = Row(reader, "cheap watches");
        await spam.HoverAsync();
        await spam.GetByTestId("report-button").ClickAsync();
        await spam.GetByTestId("report-button").ClickAsync();

        await Expect(Notice(reader, "Reported to the room’s moderators")).ToBeVisibleAsync();
        await Expect(Notice(owner, "square_reader reported a message from square_spam in #square")).ToBeVisibleAsync();
        await ScreenshotAsync(owner, "report-desktop-dark");
        // Nobody reports their own message: no button on it.
        await Expect(Row(owner, "cheap watches").GetByTestId("report-button")).ToHaveCountAsync(1);
        await SendAsync(reader, "thanks for looking");
        await Expect(Row(reader, "thanks for looking").GetByTestId("report-button")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_administrator_suspends_a_spammer_from_the_member_list_and_the_spammer_is_signed_out_with_the_reason()
    {
        var phoneLight = new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, ColorScheme = ColorScheme.Light };
        var admin = await OpenAsSignedUpUserAsync("page_admin", phoneLight);
        await JoinAsync(admin, "mall");
        var spammer = await OpenAsSignedUpUserAsync("mall_spammer");
        await JoinAsync(spammer, "mall");

        await ShowMembersAsync(admin, phone: true);
        await Member(admin, "mall_spammer").GetByTestId("suspend-button").ClickAsync();

        await Expect(Notice(admin, "mall_spammer is suspended")).ToBeVisibleAsync();
        await ScreenshotAsync(admin, "suspend-phone-light");
        await Expect(spammer.GetByText("Your account was suspended by the server’s administrators.")).ToBeVisibleAsync();
        await spammer.GetByTestId("username").FillAsync("mall_spammer");
        await spammer.GetByTestId("password").FillAsync("correct horse battery");
        await spammer.GetByTestId("sign-in").ClickAsync();
        await Expect(spammer.GetByText("This account is suspended by the server’s administrators")).ToBeVisibleAsync();
    }
}
