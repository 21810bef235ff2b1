using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>A lost network is shown at once, and what was sent meanwhile goes out once when it is back.</summary>
public sealed class ConnectionLossTests(BrowserFixture browser) : PageTest(browser)
{
    [Fact]
    public async Task A_dropped_connection_shows_a_banner_within_ten_seconds_and_pending_messages_go_out_once_on_return()
    {
        await using var proxy = new StallingProxy(Server.Address.Port);
        var alice = await OpenAsSignedUpUserAsync("alice_network");
        var bob = await OpenAsSignedUpUserAsync("bob_network", via: proxy.Address);
        await JoinAsync(alice, "wires");
        await JoinAsync(bob, "wires");
        await SendAsync(bob, "before the cut");
        await Expect(Message(alice, "before the cut")).ToBeVisibleAsync();
        var banner = bob.GetByTestId("connection-banner");
        await Expect(banner).ToBeHiddenAsync();

        proxy.Stall();

        // Nothing closes, nothing answers: the page notices by itself, within ten seconds.
        await Expect(banner).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 10_000 });
        await ScreenshotAsync(bob, "connection-lost-desktop-light");
        await SendAsync(bob, "sent while cut off");
        var pending = bob.GetByTestId("message-list").Locator("li.msg.own", new LocatorLocatorOptions { HasText = "sent while cut off" });
        await Expect(pending).ToHaveAttributeAsync("data-status", "pending");

        proxy.Resume();

        await Expect(banner).ToBeHiddenAsync(new LocatorAssertionsToBeHiddenOptions { Timeout = 30_000 });
        await Expect(pending).ToHaveAttributeAsync("data-status", Acknowledged, new LocatorAssertionsToHaveAttributeOptions { Timeout = 30_000 });
        await Expect(Message(alice, "sent while cut off")).ToHaveCountAsync(1);
        // Sent once: another message after it arrives next, with nothing doubled in between.
        await SendAsync(bob, "and after");
        await Expect(Message(alice, "and after")).ToHaveCountAsync(1);
        await Expect(Message(alice, "sent while cut off")).ToHaveCountAsync(1);
    }
}
