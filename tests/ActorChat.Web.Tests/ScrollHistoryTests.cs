using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>Older history comes in as the reader scrolls up, without moving what they were looking at.</summary>
public sealed class ScrollHistoryTests(BrowserFixture browser) : PageTest(browser)
{
    [Fact]
    public async Task Scrolling_to_the_top_loads_the_older_page_and_keeps_the_message_in_view_where_it_was()
    {
        await using (var writer = await Server.ConnectAsync("writer_scroll"))
        {
            await writer.JoinAsync("archive");
            for (var i = 1; i <= 120; i++)
                await writer.SendAsync(new { type = "send", room = "archive", id = $"s{i}", text = $"entry number {i}" });
            for (var i = 1; i <= 120; i++)
                await writer.ExpectAsync("ack");
        }
        var reader = await OpenAsSignedUpUserAsync("reader_scroll");
        await JoinAsync(reader, "archive");
        var rows = reader.GetByTestId("message-list").Locator("li.msg");
        await Expect(rows).ToHaveCountAsync(50);
        var firstShown = Message(reader, "entry number 71");

        await reader.Locator(".scroller").EvaluateAsync("s => s.scrollTo({ top: 0 })");

        await Expect(rows).ToHaveCountAsync(100);
        await Expect(Message(reader, "entry number 21")).ToBeAttachedAsync();
        // The page grew above the reader: the message that was at the top is still on screen, not pushed away.
        await Expect(firstShown).ToBeInViewportAsync();
        await reader.Locator(".scroller").EvaluateAsync("s => s.scrollTo({ top: 0 })");
        await Expect(rows).ToHaveCountAsync(120);
        await Expect(reader.GetByTestId("load-older")).ToBeHiddenAsync();
    }
}
