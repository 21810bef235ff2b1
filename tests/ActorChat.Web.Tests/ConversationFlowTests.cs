using System.Text.RegularExpressions;
using ActorChat.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>
/// The page in the flow of a conversation: who is typing, where the reader is in the list when a message comes,
/// what was typed but not sent in each room, and when each message was written.
/// </summary>
public sealed class ConversationFlowTests(BrowserFixture browser) : PageTest(browser)
{
    // A message that continues its author's group: shown without the name and avatar again.
    private static readonly Regex Continued = new(@"\bcont\b");

    [Fact]
    public async Task Each_side_sees_the_other_typing_and_the_line_goes_when_the_message_arrives()
    {
        var bob = await OpenAsSignedUpUserAsync("bob_typing");
        await JoinAsync(bob, "typing");
        await using var alice = await Server.ConnectAsync("alice_typing");
        await alice.JoinAsync("typing");
        var typing = bob.GetByTestId("typing");
        await Expect(typing).ToBeEmptyAsync();

        await alice.SendAsync(new { type = "typing", room = "typing" });
        await Expect(typing).ToHaveTextAsync("alice_typing is typing…");
        await alice.SendAsync(new { type = "send", room = "typing", id = "t1", text = "done typing" });
        await Expect(Message(bob, "done typing")).ToBeVisibleAsync();
        // Cleared in the same render that shows the message, not when the typing line would time out.
        Assert.Equal("", await typing.TextContentAsync());

        await bob.GetByTestId("composer").PressSequentiallyAsync("on my way");
        var told = await alice.ExpectSkippingAsync("typing", "ack", "presence", "read", "received");
        Assert.Equal("bob_typing", told.GetProperty("user").GetString());
        Assert.Equal("typing", told.GetProperty("room").GetString());
    }

    [Fact]
    public async Task A_reader_up_in_the_history_stays_put_when_a_message_comes_and_the_pill_takes_them_down_to_it()
    {
        await using var alice = await Server.ConnectAsync("alice_pill");
        await alice.JoinAsync("pill");
        for (var i = 1; i <= 40; i++)
            await alice.SendAsync(new { type = "send", room = "pill", id = $"p{i}", text = $"backlog {i} of 40" });
        for (var i = 1; i <= 40; i++)
            await alice.ExpectSkippingAsync("ack", "presence", "read", "received");
        var bob = await OpenAsSignedUpUserAsync("bob_pill");
        await JoinAsync(bob, "pill");
        var scroller = bob.Locator(".scroller");
        var pill = bob.Locator(".jump");

        // At the bottom, the list follows each new message and no pill is needed.
        await Expect(Message(bob, "backlog 40 of 40")).ToBeInViewportAsync();
        await alice.SendAsync(new { type = "send", room = "pill", id = "p41", text = "while you watch" });
        await Expect(Message(bob, "while you watch")).ToBeInViewportAsync();
        await Expect(pill).ToBeHiddenAsync();

        // Scrolled up to read: a new message leaves the view where it is and offers the pill instead.
        await scroller.EvaluateAsync("s => s.scrollTo({ top: 0 })");
        await Expect(Message(bob, "backlog 1 of 40")).ToBeInViewportAsync();
        await alice.SendAsync(new { type = "send", room = "pill", id = "p42", text = "while you read" });
        await Expect(Message(bob, "while you read")).ToBeAttachedAsync();
        await Expect(pill).ToBeVisibleAsync();
        await Expect(pill).ToHaveTextAsync("New messages ↓");
        await Expect(Message(bob, "backlog 1 of 40")).ToBeInViewportAsync();
        await Expect(Message(bob, "while you read")).Not.ToBeInViewportAsync();

        await pill.ClickAsync();
        await Expect(Message(bob, "while you read")).ToBeInViewportAsync();
        await Expect(pill).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Text_typed_but_not_sent_stays_with_its_room_while_the_user_moves_between_rooms()
    {
        var page = await OpenAsSignedUpUserAsync("dora_drafts");
        await JoinAsync(page, "drafts-a");
        await JoinAsync(page, "drafts-b");
        var composer = page.GetByTestId("composer");
        await composer.FillAsync("half a thought for b");

        await OpenRoomAsync(page, "drafts-a");
        await Expect(composer).ToHaveValueAsync("");
        await composer.FillAsync("a reply for a");
        await OpenRoomAsync(page, "drafts-b");
        await Expect(composer).ToHaveValueAsync("half a thought for b");
        await OpenRoomAsync(page, "drafts-a");
        await Expect(composer).ToHaveValueAsync("a reply for a");

        // Sending empties the box for good: coming back finds nothing to restore.
        await page.GetByTestId("send").ClickAsync();
        await Expect(Message(page, "a reply for a")).ToBeVisibleAsync();
        await OpenRoomAsync(page, "drafts-b");
        await Expect(composer).ToHaveValueAsync("half a thought for b");
        await OpenRoomAsync(page, "drafts-a");
        await Expect(composer).ToHaveValueAsync("");
    }

    [Fact]
    public async Task Each_message_shows_the_time_it_was_sent_a_separator_opens_each_day_and_a_run_of_one_author_is_grouped()
    {
        var clock = new ShiftedClock { Shift = TimeSpan.FromDays(-1) };
        await using var server = await ChatServer.StartAsync(null, builder => builder.Services.AddSingleton<TimeProvider>(clock));
        DateTimeOffset yesterday, today;
        await using (var alice = await server.ConnectAsync("alice_days"))
        {
            await alice.JoinAsync("days");
            yesterday = await SendAndAckAsync(alice, "y1", "said yesterday");
            clock.Shift = TimeSpan.Zero;
            today = await SendAndAckAsync(alice, "t1", "said today");
            await SendAndAckAsync(alice, "t2", "and again today");
            Assert.Equal(1, (today - yesterday).Days);
        }

        var bob = await OpenAsSignedUpUserAsync("bob_days", via: server.Address);
        await JoinAsync(bob, "days");
        await Expect(Message(bob, "and again today")).ToBeVisibleAsync();
        var separators = bob.GetByTestId("message-list").Locator(".day").Filter(new LocatorFilterOptions { Visible = true });
        await Expect(separators).ToHaveTextAsync(["Yesterday", "Today"]);
        await Expect(separators.First).ToHaveAttributeAsync("role", "separator");

        var rows = bob.GetByTestId("message-list").Locator("li.msg");
        await Expect(rows.Nth(0).Locator(".day")).ToBeVisibleAsync();
        await Expect(rows.Nth(1).Locator(".day")).ToBeVisibleAsync();
        await Expect(rows.Nth(2).Locator(".day")).ToBeHiddenAsync();
        // The same author again, minutes later and on the same day: one group, the name shown once at its head.
        await Expect(rows.Nth(1)).Not.ToHaveClassAsync(Continued);
        await Expect(rows.Nth(1).GetByTestId("message-from")).ToBeVisibleAsync();
        await Expect(rows.Nth(2)).ToHaveClassAsync(Continued);
        var heading = await rows.Nth(2).Locator(".meta").BoundingBoxAsync();
        Assert.True(heading is null || heading.Width <= 1, "the name is kept for screen readers only");
        await SendAsync(bob, "someone else now");
        await Expect(AcknowledgedMessages(bob)).ToHaveCountAsync(1);
        await Expect(rows.Nth(3)).Not.ToHaveClassAsync(Continued);
        // Each message's time in the reader's clock, with the full date on hover and the exact instant for machines.
        foreach (var (row, sent) in new[] { (rows.Nth(0), yesterday), (rows.Nth(1), today) })
        {
            var time = row.Locator("time");
            var local = await bob.EvaluateAsync<string>("ms => { const d = new Date(ms); return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0'); }",
                sent.ToUnixTimeMilliseconds());
            await Expect(time).ToHaveTextAsync(local);
            await Expect(time).ToHaveAttributeAsync("title", new Regex(sent.Year.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var stamped = DateTimeOffset.Parse(await time.GetAttributeAsync("datetime") ?? "", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(sent, stamped);
        }
    }

    private static async Task<DateTimeOffset> SendAndAckAsync(ChatClient client, string id, string text)
    {
        await client.SendAsync(new { type = "send", room = "days", id, text });
        var ack = await client.ExpectSkippingAsync("ack", "presence", "read", "received");
        return DateTimeOffset.Parse(ack.GetProperty("ts").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task OpenRoomAsync(IPage page, string room)
    {
        await page.GetByTestId("room-list").Locator($"li[data-room='{room}'] .room-open").ClickAsync();
        await Expect(page.GetByTestId("current-room")).ToHaveTextAsync(room);
    }
}
