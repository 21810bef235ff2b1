using ActorChat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>
/// Search across rooms from the page: the hits with their words marked, and a hit opened in its room with the
/// messages around it, far back in a long history or in a public room the user was not in.
/// </summary>
public sealed class SearchPageTests(BrowserFixture browser) : PageTest(browser)
{
    private static ILocator Hits(IPage page) => page.GetByTestId("message-search-results").GetByTestId("search-hit");

    private static async Task SearchAsync(IPage page, string query)
    {
        if (!await page.GetByTestId("message-search").IsVisibleAsync())
        {
            if (await page.GetByTestId("drawer-toggle").IsVisibleAsync() && !await page.GetByTestId("message-search-open").IsVisibleAsync())
                await page.GetByTestId("drawer-toggle").ClickAsync();
            await page.GetByTestId("message-search-open").ClickAsync();
        }
        await page.GetByTestId("message-search-input").FillAsync(query);
        await page.GetByTestId("message-search-go").ClickAsync();
    }

    // In batches of 100: a connection may have 256 sends awaiting their ack in a room.
    private static async Task PostAsync(ChatClient writer, string room, IEnumerable<string> texts)
    {
        var sent = 0;
        foreach (var batch in texts.Chunk(100))
        {
            foreach (var text in batch)
                await writer.SendAsync(new { type = "send", room, id = $"{room}-{++sent}", text });
            foreach (var _ in batch)
                await writer.ExpectSkippingAsync("ack", "presence", "read", "received");
        }
    }

    [Theory]
    [InlineData("desktop-light", 1280, 800, false)]
    [InlineData("phone-dark", 390, 844, true)]
    public async Task A_hit_far_back_opens_with_the_messages_around_it_and_pages_on_to_the_newest(string look, int width, int height, bool phone)
    {
        var suffix = phone ? "p" : "d";
        var (room, elsewhere) = ($"annals_{suffix}", $"plaza_{suffix}");
        await using (var writer = await Server.ConnectAsync($"scribe_{suffix}"))
        {
            await writer.JoinAsync(room);
            await PostAsync(writer, room, Enumerable.Range(1, 300).Select(n => n == 80 ? "the zebra crossing by the old mill" : $"entry number {n}"));
            await writer.JoinAsync(elsewhere);
            await PostAsync(writer, elsewhere, ["a zebra was seen in the plaza today"]);
        }
        var reader = await OpenAsSignedUpUserAsync($"seeker_{suffix}", new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = phone ? ColorScheme.Dark : ColorScheme.Light,
        });
        await JoinAsync(reader, room);
        await Expect(Message(reader, "entry number 300")).ToBeVisibleAsync();

        // Both rooms' hits, newest first, the word marked; the plaza is public, though the reader never joined it.
        await SearchAsync(reader, "Zebra");
        await Expect(Hits(reader)).ToHaveCountAsync(2);
        await Expect(Hits(reader).Nth(0)).ToContainTextAsync($"#{elsewhere}");
        await Expect(Hits(reader).Nth(1)).ToContainTextAsync($"#{room}");
        await Expect(Hits(reader).Nth(1).Locator("mark")).ToHaveTextAsync("zebra");
        await ScreenshotAsync(reader, $"search-results-{look}");

        // Seq 80 of 300, far older than the 50 the room opened with: it opens in a window of the messages around it.
        await Hits(reader).Nth(1).GetByRole(AriaRole.Button).ClickAsync();
        await Expect(reader.GetByTestId("message-search")).ToBeHiddenAsync();
        var hit = Message(reader, "the zebra crossing by the old mill");
        await Expect(hit).ToBeInViewportAsync();
        await Expect(Message(reader, "entry number 56")).ToBeAttachedAsync();
        await Expect(Message(reader, "entry number 105")).ToBeAttachedAsync();
        await Expect(Message(reader, "entry number 300")).ToHaveCountAsync(0);
        await Expect(reader.GetByTestId("load-older")).ToBeVisibleAsync();
        var back = reader.GetByRole(AriaRole.Button, new() { Name = "Newest messages" });
        await Expect(back).ToBeVisibleAsync();
        await ScreenshotAsync(reader, $"search-context-{look}");

        // Paging newer meets the live list: one list again, whole from the window's first message to the newest.
        // Scrolled to the bottom, each next page loads by itself.
        var newer = reader.GetByTestId("load-newer");
        var scroller = reader.Locator(".scroller");
        for (var page = 0; page < 10 && await newer.IsVisibleAsync(); page++)
        {
            await scroller.EvaluateAsync("s => s.scrollTo({ top: s.scrollHeight })");
            await Expect(newer).ToBeEnabledAsync();
        }
        await Expect(newer).ToBeHiddenAsync();
        await Expect(reader.Locator(".jump")).Not.ToHaveTextAsync("Newest messages ↓");
        await Expect(Message(reader, "entry number 300")).ToBeAttachedAsync();
        await Expect(reader.GetByTestId("message-list").Locator("li.msg")).ToHaveCountAsync(300 - 56 + 1);

        // A hit in a public room the reader is not in joins it and shows the message there.
        await SearchAsync(reader, "zebra in:" + elsewhere);
        await Expect(Hits(reader)).ToHaveCountAsync(1);
        await Hits(reader).First.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(reader.GetByTestId("current-room")).ToHaveTextAsync(elsewhere);
        await Expect(Message(reader, "a zebra was seen in the plaza today")).ToBeVisibleAsync();
        await Expect(RoomItem(reader, elsewhere)).ToBeAttachedAsync();
    }

    [Fact]
    public async Task A_query_the_server_cannot_take_is_answered_in_the_dialog_with_the_rule_it_broke()
    {
        var reader = await OpenAsSignedUpUserAsync("seeker_rules");
        await JoinAsync(reader, "rules");

        await SearchAsync(reader, "from:seeker_rules");

        var status = reader.GetByTestId("message-search").Locator(".directory-status");
        await Expect(status).ToContainTextAsync("word");
        await Expect(Hits(reader)).ToHaveCountAsync(0);

        await SearchAsync(reader, "nothing-like-this-anywhere");
        await Expect(status).ToHaveTextAsync("Nothing found for “nothing-like-this-anywhere”");
    }
}
