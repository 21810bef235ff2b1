using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>How the page shows a message's text: links, light formatting, long messages; and its colour scheme.</summary>
public sealed class MessageTextTests(BrowserFixture browser) : PageTest(browser)
{
    [Fact]
    public async Task Web_links_are_clickable_and_open_apart_while_other_schemes_stay_text()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_links");
        var bob = await OpenAsSignedUpUserAsync("bob_links");
        await JoinAsync(alice, "links");
        await JoinAsync(bob, "links");

        await SendAsync(alice, "See https://example.org/a_b?q=1, http://example.net/x (not javascript:alert(1) or ftp://example.com).");

        var text = Message(bob, "See ");
        await Expect(text).ToHaveTextAsync("See https://example.org/a_b?q=1, http://example.net/x (not javascript:alert(1) or ftp://example.com).");
        var links = text.Locator("a");
        await Expect(links).ToHaveCountAsync(2);
        await Expect(links.Nth(0)).ToHaveAttributeAsync("href", "https://example.org/a_b?q=1");
        await Expect(links.Nth(1)).ToHaveAttributeAsync("href", "http://example.net/x");
        foreach (var link in await links.AllAsync())
        {
            await Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");
            await Expect(link).ToHaveAttributeAsync("target", "_blank");
        }
    }

    [Fact]
    public async Task Bold_italic_and_code_are_shown_formatted_and_code_keeps_its_characters()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_format");
        var bob = await OpenAsSignedUpUserAsync("bob_format");
        await JoinAsync(alice, "format");
        await JoinAsync(bob, "format");

        await SendAsync(alice, "**ship it** _today_, run `rm -i **/*.tmp` and *check* snake_case_name");

        var text = Message(bob, "ship it");
        await Expect(text).ToHaveTextAsync("ship it today, run rm -i **/*.tmp and check snake_case_name");
        await Expect(text.Locator("strong")).ToHaveTextAsync("ship it");
        await Expect(text.Locator("em")).ToHaveTextAsync(["today", "check"]);
        await Expect(text.Locator("code")).ToHaveTextAsync("rm -i **/*.tmp");
    }

    [Fact]
    public async Task A_mention_of_the_reader_stands_out_and_addresses_are_no_mentions()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_mention");
        var bob = await OpenAsSignedUpUserAsync("Bob_Mention");
        await JoinAsync(alice, "mentions");
        await JoinAsync(bob, "mentions");

        await SendAsync(alice, "hey @bob_mention and @carol_x, mail bob@example.org.");
        await SendAsync(alice, "no one named here");

        var text = Message(bob, "hey ");
        await Expect(text).ToHaveTextAsync("hey @bob_mention and @carol_x, mail bob@example.org.");
        await Expect(text.Locator(".mention")).ToHaveTextAsync(["@bob_mention", "@carol_x"]);
        await Expect(text.Locator(".mention.mine")).ToHaveTextAsync("@bob_mention");
        await Expect(bob.Locator(".msg.mentions-me")).ToHaveCountAsync(1);
        await Expect(bob.Locator(".msg.mentions-me")).ToContainTextAsync("hey @bob_mention");
        await Expect(AcknowledgedMessages(alice)).ToHaveCountAsync(2);
        await Expect(alice.Locator(".msg.mentions-me")).ToHaveCountAsync(0);
        await Expect(Message(alice, "hey ").Locator(".mention.mine")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_long_message_shows_its_first_lines_until_show_more()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_long");
        var bob = await OpenAsSignedUpUserAsync("bob_long");
        await JoinAsync(alice, "long");
        await JoinAsync(bob, "long");

        var lines = string.Join("\n", Enumerable.Range(1, 40).Select(n => $"line {n} of a long paste"));
        await SendAsync(alice, lines);
        await SendAsync(alice, "short one");

        var text = Message(bob, "line 1 of");
        await Expect(text).ToBeVisibleAsync();
        var collapsed = (await text.BoundingBoxAsync())!.Height;
        var more = bob.Locator(".msg").Filter(new LocatorFilterOptions { HasText = "line 1 of a long paste" }).GetByTestId("show-more");
        await Expect(more).ToHaveTextAsync("Show more");
        await Expect(bob.Locator(".msg").Filter(new LocatorFilterOptions { HasText = "short one" }).GetByTestId("show-more")).ToHaveCountAsync(0);

        await more.ClickAsync();

        await Expect(more).ToHaveTextAsync("Show less");
        await Expect(more).ToHaveAttributeAsync("aria-expanded", "true");
        var expanded = (await text.BoundingBoxAsync())!.Height;
        Assert.True(expanded > collapsed * 3, $"expanded to {expanded}px from {collapsed}px");
    }

    [Fact]
    public async Task The_page_follows_a_dark_system_and_the_switch_picks_light_or_dark_and_is_remembered()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_dark", new BrowserNewContextOptions { ColorScheme = ColorScheme.Dark });
        var bob = await OpenAsSignedUpUserAsync("bob_dark");
        await JoinAsync(alice, "themes");
        await JoinAsync(bob, "themes");
        await SendAsync(bob, "Evening, see **this**: https://example.org/night");
        await Expect(Message(alice, "Evening")).ToHaveCountAsync(1);

        Assert.True(await BackgroundLuminanceAsync(alice) < 0.2, "a dark system gives a dark page");
        Assert.True(await BackgroundLuminanceAsync(bob) > 0.8, "a light system gives a light page");
        await ScreenshotAsync(alice, "desktop-dark");
        await ScreenshotAsync(bob, "desktop-light");

        var theme = alice.GetByTestId("theme");
        await theme.ClickAsync();
        await Expect(theme).ToHaveAttributeAsync("data-theme", "light");
        Assert.True(await BackgroundLuminanceAsync(alice) > 0.8, "the switch picks light over a dark system");
        await theme.ClickAsync();
        await Expect(theme).ToHaveAttributeAsync("data-theme", "dark");

        await alice.ReloadAsync();
        await Expect(alice.GetByTestId("theme")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.True(await BackgroundLuminanceAsync(alice) < 0.2, "the choice outlives a reload");

        await alice.SetViewportSizeAsync(390, 844);
        await bob.SetViewportSizeAsync(390, 844);
        await ScreenshotAsync(alice, "phone-dark");
        await ScreenshotAsync(bob, "phone-light");
    }

    /// <summary>The relative luminance (0 black, 1 white) of the page's background colour.</summary>
    private static async Task<double> BackgroundLuminanceAsync(IPage page)
    {
        var rgb = await page.EvaluateAsync<double[]>("""
            () => {
              const probe = document.createElement('canvas').getContext('2d');
              probe.fillStyle = getComputedStyle(document.body).backgroundColor;
              probe.fillRect(0, 0, 1, 1);
              return [...probe.getImageData(0, 0, 1, 1).data].slice(0, 3);
            }
            """);
        return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;
    }
}
