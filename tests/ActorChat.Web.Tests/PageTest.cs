using System.Text.RegularExpressions;
using ActorChat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>A running server and the steps a user takes in the page: sign up, join a room, send.</summary>
/// <param name="settings">The server's settings beyond its defaults (an administrator, say).</param>
public abstract class PageTest(BrowserFixture browser, params string[] settings) : ServerTest(settings), IClassFixture<BrowserFixture>
{
    protected BrowserFixture Browser { get; } = browser;

    /// <summary>Where screenshots go: kept with the test output, one folder per run.</summary>
    protected static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <param name="via">Where the browser reaches the server; the server itself unless given (e.g. a proxy in front of it).</param>
    protected Task<IPage> OpenAsSignedUpUserAsync(string username, BrowserNewContextOptions? options = null, Uri? via = null) =>
        OpenSignedInAsync(username, "register", options, via);

    /// <summary>A new browser (its own cookies and storage, as another device) signed in to an account that exists.</summary>
    protected Task<IPage> OpenAsReturningUserAsync(string username, BrowserNewContextOptions? options = null) =>
        OpenSignedInAsync(username, "sign-in", options, null);

    /// <summary>A new browser at the sign-in form.</summary>
    protected async Task<IPage> OpenSignedOutAsync(BrowserNewContextOptions? options = null, Uri? via = null)
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL = (via ?? Server.Address).ToString();
        var context = await Browser.Browser.NewContextAsync(options);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        // The first load fetches every module and stylesheet; on a loaded 2-core machine that alone can take seconds.
        page.SetDefaultNavigationTimeout(30_000);
        await page.GotoAsync("/");
        await Expect(page.GetByTestId("username")).ToBeVisibleAsync();
        return page;
    }

    private async Task<IPage> OpenSignedInAsync(string username, string button, BrowserNewContextOptions? options, Uri? via)
    {
        var page = await OpenSignedOutAsync(options, via);
        await page.GetByTestId("username").FillAsync(username);
        await page.GetByTestId("password").FillAsync("correct horse battery");
        await page.GetByTestId(button).ClickAsync();
        await Expect(page.GetByTestId("join-room-input")).ToBeVisibleAsync();
        return page;
    }

    protected static async Task JoinAsync(IPage page, string room)
    {
        await page.GetByTestId("join-room-input").FillAsync(room);
        await page.GetByTestId("join-room-button").ClickAsync();
        await Expect(page.GetByTestId("current-room")).ToContainTextAsync(room);
    }

    protected static async Task SendAsync(IPage page, string text)
    {
        await page.GetByTestId("composer").FillAsync(text);
        await page.GetByTestId("send").ClickAsync();
    }

    /// <summary>
    /// The status an own message shows once the server has taken it: sent (✓), or received (✓✓) as soon as
    /// another member's device reports it, which a test with two people cannot time.
    /// </summary>
    protected static readonly Regex Acknowledged = new("^(sent|received)$");

    /// <summary>The page's own messages the server has acknowledged.</summary>
    protected static ILocator AcknowledgedMessages(IPage page) =>
        page.Locator(".own:is([data-status=sent],[data-status=received])");

    /// <summary>A notice the page shows (an error, or something that happened to the user), by its text.</summary>
    protected static ILocator Notice(IPage page, string text) =>
        page.GetByTestId("notice").Filter(new LocatorFilterOptions { HasText = text });

    /// <summary>A room's entry in the page's room list.</summary>
    protected static ILocator RoomItem(IPage page, string room) => page.GetByTestId("room-list").Locator($"li[data-room=\"{room}\"]");

    protected static ILocator Message(IPage page, string text) =>
        page.GetByTestId("message-list").GetByTestId("message-text").Filter(new LocatorFilterOptions { HasText = text });

    protected static Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        return page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png") });
    }
}
