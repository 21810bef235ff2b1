using ActorChat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>A room's owner reads its reports from the page, opens the message reported, and marks the reports handled.</summary>
public sealed class ReportsPageTests(BrowserFixture browser) : PageTest(browser)
{
    private static readonly string[] Ignorable = ["presence", "message", "read", "received", "rooms", "room", "typing", "moderation", "member"];

    [Theory]
    [InlineData("desktop-light", 1280, 800, false)]
    [InlineData("phone-dark", 390, 844, true)]
    public async Task The_owner_reads_the_rooms_reports_opens_the_message_and_marks_them_handled(string look, int width, int height, bool phone)
    {
        var suffix = phone ? "p" : "d";
        var room = $"court_{suffix}";
        var owner = await OpenAsSignedUpUserAsync($"judge_{suffix}", new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = phone ? ColorScheme.Dark : ColorScheme.Light,
        });
        await JoinAsync(owner, room);
        await using var spammer = await Server.ConnectAsync($"pedlar_{suffix}");
        await using var reader = await Server.ConnectAsync($"witness_{suffix}");
        await spammer.JoinAsync(room);
        await reader.JoinAsync(room);
        await spammer.SendAsync(new { type = "send", room, id = "s1", text = "cheap pills here" });
        await spammer.ExpectSkippingAsync("ack", Ignorable);
        await reader.SendAsync(new { type = "report", room, id = "r1", seq = 1, reason = "selling pills" });
        await reader.ExpectSkippingAsync("ack", Ignorable);
        await Expect(Notice(owner, $"witness_{suffix} reported a message from pedlar_{suffix}")).ToBeVisibleAsync();

        await owner.GetByTestId("reports-open").ClickAsync();
        var entries = owner.GetByTestId("reports-list").GetByTestId("report-entry");
        await Expect(entries).ToHaveCountAsync(1);
        await Expect(entries.First).ToContainTextAsync("selling pills");
        await Expect(entries.First).ToContainTextAsync($"reported by witness_{suffix}");
        await ScreenshotAsync(owner, $"reports-{look}");

        // Handled: gone from the open ones, and listed with who handled it among all of them.
        await entries.First.GetByTestId("report-resolve").ClickAsync();
        await Expect(Notice(owner, "Marked handled")).ToBeVisibleAsync();
        await Expect(owner.GetByTestId("reports").Locator(".directory-status")).ToHaveTextAsync("No open reports");
        await owner.GetByTestId("reports-handled").CheckAsync();
        await Expect(entries.First.GetByTestId("report-handled")).ToHaveTextAsync($"Handled by judge_{suffix}");

        // The message, shown in its room.
        await entries.First.GetByTestId("report-show").ClickAsync();
        await Expect(owner.GetByTestId("reports")).ToBeHiddenAsync();
        await Expect(Message(owner, "cheap pills here")).ToBeInViewportAsync();

        // A member who moderates nothing has no reports to read.
        var member = await OpenAsSignedUpUserAsync($"juror_{suffix}");
        await JoinAsync(member, room);
        await Expect(member.GetByTestId("reports-open")).ToBeHiddenAsync();
    }
}
