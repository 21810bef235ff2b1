using System.Text.RegularExpressions;
using ActorChat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>
/// A room's notification menu from the page: a muted room never raises the title, its mentions are counted apart,
/// and the setting and the counts are the same on the user's other devices.
/// </summary>
public sealed class NotificationSettingsPageTests(BrowserFixture browser) : PageTest(browser)
{
    private static readonly string[] Ignorable = ["presence", "message", "read", "received", "rooms", "room", "typing"];

    // On a phone the rooms are a drawer, opened from the header.
    private static async Task ShowRoomsAsync(IPage page)
    {
        var toggle = page.GetByTestId("drawer-toggle");
        if (await toggle.IsVisibleAsync() && await toggle.GetAttributeAsync("aria-expanded") != "true")
            await toggle.ClickAsync();
    }

    private static async Task OpenRoomAsync(IPage page, string room)
    {
        await ShowRoomsAsync(page);
        await RoomItem(page, room).Locator(".room-open").ClickAsync();
        await Expect(page.GetByTestId("current-room")).ToHaveTextAsync(room);
    }

    [Theory]
    [InlineData("desktop-dark", 1280, 800, false)]
    [InlineData("phone-light", 390, 844, true)]
    public async Task A_muted_room_stays_quiet_counts_its_mentions_apart_and_reads_so_on_the_users_other_device(string look, int width, int height, bool phone)
    {
        var suffix = phone ? "p" : "d";
        var (me, news, talk) = ($"quiet_{suffix}", $"news_{suffix}", $"talk_{suffix}");
        var options = new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = phone ? ColorScheme.Light : ColorScheme.Dark,
        };
        // Talk first: a new device opens the first room of the list, and opening news there would read it.
        var laptop = await OpenAsSignedUpUserAsync(me, options);
        await JoinAsync(laptop, talk);
        await ShowRoomsAsync(laptop);
        await JoinAsync(laptop, news);

        await laptop.GetByTestId("room-notify").SelectOptionAsync("muted");
        await OpenRoomAsync(laptop, talk);

        await using var bob = await Server.ConnectAsync($"crier_{suffix}");
        await bob.JoinAsync(news);
        foreach (var (id, text) in new[] { ("n1", "the paper is out"), ("n2", $"@{me} your letter is printed"), ("n3", "weather: rain") })
        {
            await bob.SendAsync(new { type = "send", room = news, id, text });
            await bob.ExpectSkippingAsync("ack", Ignorable);
        }

        // Muted: no count in the title and no mark asking for attention; the mention is counted apart, quietly.
        await ShowRoomsAsync(laptop);
        var item = RoomItem(laptop, news);
        await Expect(item.GetByTestId("mentions")).ToHaveTextAsync("@1");
        await Expect(item).ToHaveClassAsync(new Regex(@"\bmuted\b"));
        await Expect(item.GetByTestId("unread")).ToBeHiddenAsync();
        await Expect(laptop).ToHaveTitleAsync("ActorChat");
        await ScreenshotAsync(laptop, $"muted-room-{look}");

        // Another device of the user: the setting and the count of mentions come from the server.
        var phoneToo = await OpenAsReturningUserAsync(me, options);
        await Expect(phoneToo.GetByTestId("current-room")).ToHaveTextAsync(talk);
        await ShowRoomsAsync(phoneToo);
        var there = RoomItem(phoneToo, news);
        await Expect(there).ToHaveClassAsync(new Regex(@"\bmuted\b"));
        await Expect(there.GetByTestId("mentions")).ToHaveTextAsync("@1");

        // Mentions only, chosen there: the first device follows, and a new mention asks for attention again.
        await OpenRoomAsync(phoneToo, news);
        await Expect(phoneToo.GetByTestId("room-notify")).ToHaveValueAsync("muted");
        await phoneToo.GetByTestId("room-notify").SelectOptionAsync("mentions");
        await ScreenshotAsync(phoneToo, $"notify-menu-{look}");
        await Expect(item).Not.ToHaveClassAsync(new Regex(@"\bmuted\b"));
        await OpenRoomAsync(phoneToo, talk);
        await bob.SendAsync(new { type = "send", room = news, id = "n4", text = "more rain tomorrow" });
        await bob.ExpectSkippingAsync("ack", Ignorable);
        await bob.SendAsync(new { type = "send", room = news, id = "n5", text = $"@{me} one more thing" });
        await bob.ExpectSkippingAsync("ack", Ignorable);
        await Expect(laptop).ToHaveTitleAsync("(1) @ ActorChat");
        await Expect(item.GetByTestId("unread")).ToHaveTextAsync("2");
        await Expect(item.GetByTestId("unread")).ToHaveClassAsync(new Regex(@"\bquiet\b"));
    }
}
