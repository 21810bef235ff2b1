using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>Editing, deleting and reacting to messages on the page, as two people see it.</summary>
public sealed class MessageChangeTests(BrowserFixture browser) : PageTest(browser)
{
    private static ILocator Row(IPage page, string text) =>
        page.GetByTestId("message-list").Locator("li.msg", new LocatorLocatorOptions { HasText = text });

    [Fact]
    public async Task A_user_edits_then_deletes_their_own_message_and_the_other_sees_each_change_at_once()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_edits");
        var bob = await OpenAsSignedUpUserAsync("bob_edits");
        await JoinAsync(alice, "edits");
        await JoinAsync(bob, "edits");
        await SendAsync(alice, "lunch at noun?");
        await Expect(Message(bob, "lunch at noun?")).ToBeVisibleAsync();

        // Only the sender may edit or delete (or, deleting, the room's moderators).
        await Expect(Row(bob, "lunch at noun?").GetByTestId("edit-button")).ToHaveCountAsync(0);
        await Expect(Row(bob, "lunch at noun?").GetByTestId("delete-button")).ToBeHiddenAsync();

        var mine = Row(alice, "lunch at noun?");
        await mine.HoverAsync();
        await mine.GetByTestId("edit-button").ClickAsync();
        await Expect(alice.GetByTestId("editing")).ToBeVisibleAsync();
        await Expect(alice.GetByTestId("composer")).ToHaveValueAsync("lunch at noun?");
        await alice.GetByTestId("composer").FillAsync("lunch at noon?");
        await alice.GetByTestId("composer").PressAsync("Enter");

        await Expect(alice.GetByTestId("editing")).ToBeHiddenAsync();
        await Expect(alice.GetByTestId("composer")).ToHaveValueAsync("");
        foreach (var page in new[] { alice, bob })
        {
            var row = Row(page, "lunch at noon?");
            await Expect(row.GetByTestId("edited-label")).ToBeVisibleAsync();
            await Expect(Message(page, "noun")).ToHaveCountAsync(0);
        }

        var edited = Row(alice, "lunch at noon?");
        await edited.HoverAsync();
        await edited.GetByTestId("delete-button").ClickAsync();
        // The first click asks; the second deletes.
        await Expect(edited.GetByTestId("delete-button")).ToHaveTextAsync("Delete?");
        await edited.GetByTestId("delete-button").ClickAsync();

        foreach (var page in new[] { alice, bob })
        {
            var placeholder = page.GetByTestId("message-list").Locator("li.msg.deleted");
            await Expect(placeholder).ToHaveCountAsync(1);
            await Expect(placeholder.GetByTestId("message-text")).ToHaveTextAsync("This message was deleted");
            await Expect(Message(page, "lunch")).ToHaveCountAsync(0);
        }
        await ScreenshotAsync(bob, "deleted-desktop-light");
    }

    [Fact]
    public async Task Reactions_show_under_the_message_with_counts_toggle_on_click_and_survive_a_reload()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_reacts");
        var bob = await OpenAsSignedUpUserAsync("bob_reacts");
        await JoinAsync(alice, "reactions");
        await JoinAsync(bob, "reactions");
        await SendAsync(alice, "we shipped it");
        var bobsRow = Row(bob, "we shipped it");
        await Expect(bobsRow).ToBeVisibleAsync();

        await bobsRow.HoverAsync();
        await bobsRow.GetByTestId("react-button").ClickAsync();
        await bobsRow.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "React with 🎉" }).ClickAsync();

        var alicesChip = Row(alice, "we shipped it").GetByTestId("reaction");
        await Expect(alicesChip).ToHaveTextAsync("🎉 1");
        await Expect(alicesChip).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(bobsRow.GetByTestId("reaction")).ToHaveAttributeAsync("aria-pressed", "true");

        // Alice joins in by clicking the chip; clicking her own again would take it back.
        await alicesChip.ClickAsync();
        await Expect(alicesChip).ToHaveTextAsync("🎉 2");
        await Expect(alicesChip).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(bobsRow.GetByTestId("reaction")).ToHaveTextAsync("🎉 2");
        await ScreenshotAsync(alice, "reactions-desktop-light");

        await bobsRow.GetByTestId("reaction").ClickAsync();
        await Expect(alicesChip).ToHaveTextAsync("🎉 1");

        // A reload shows the message as it is now, the reader's own reaction marked.
        await alice.ReloadAsync();
        var afterReload = Row(alice, "we shipped it").GetByTestId("reaction");
        await Expect(afterReload).ToHaveTextAsync("🎉 1");
        await Expect(afterReload).ToHaveAttributeAsync("aria-pressed", "true");
    }

    [Fact]
    public async Task A_reply_quotes_the_message_it_answers_for_both_and_follows_its_edit()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_replies");
        var bob = await OpenAsSignedUpUserAsync("bob_replies", new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            ColorScheme = ColorScheme.Dark,
        });
        await JoinAsync(alice, "replies");
        await JoinAsync(bob, "replies");
        await SendAsync(alice, "who brings the snacks?");
        await Expect(Message(bob, "who brings the snacks?")).ToBeVisibleAsync();

        var question = Row(bob, "who brings the snacks?");
        await question.HoverAsync();
        await question.GetByTestId("reply-button").ClickAsync();
        await Expect(bob.GetByTestId("replying")).ToContainTextAsync("Replying to alice_replies: who brings the snacks?");
        await bob.GetByTestId("composer").FillAsync("I will!");
        await bob.GetByTestId("composer").PressAsync("Enter");

        await Expect(bob.GetByTestId("replying")).ToBeHiddenAsync();
        foreach (var page in new[] { alice, bob })
            await Expect(Row(page, "I will!").GetByTestId("reply-quote")).ToHaveTextAsync("↩ alice_replies: who brings the snacks?");
        await ScreenshotAsync(bob, "reply-phone-dark");

        // The quote shows the message as it is now.
        var mine = Row(alice, "who brings the snacks?").First;
        await mine.HoverAsync();
        await mine.GetByTestId("edit-button").ClickAsync();
        await alice.GetByTestId("composer").FillAsync("who brings the drinks?");
        await alice.GetByTestId("composer").PressAsync("Enter");
        await Expect(Row(bob, "I will!").GetByTestId("reply-quote")).ToHaveTextAsync("↩ alice_replies: who brings the drinks?");
        await ScreenshotAsync(alice, "reply-desktop-light");
    }

    [Fact]
    public async Task A_sender_sees_sent_then_received_when_the_other_device_has_it_then_seen_when_it_is_read()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_receipts");
        var bob = await OpenAsSignedUpUserAsync("bob_receipts");
        await JoinAsync(alice, "porch");
        await JoinAsync(bob, "porch");
        await JoinAsync(bob, "kitchen");

        await SendAsync(alice, "dinner is ready");

        // Bob's page has it but shows another room: received, not read.
        var mine = Row(alice, "dinner is ready");
        await Expect(mine).ToHaveAttributeAsync("data-status", "received");
        await Expect(mine.Locator(".status")).ToHaveAttributeAsync("title", "Received by bob_receipts");
        await Expect(mine.Locator(".status")).ToHaveTextAsync("✓✓");
        await Expect(alice.GetByTestId("seen-by")).ToBeHiddenAsync();
        await ScreenshotAsync(alice, "received-desktop-light");

        await bob.GetByTestId("room-list").Locator("li[data-room=\"porch\"] .room-open").ClickAsync();
        await Expect(alice.GetByTestId("seen-by")).ToContainTextAsync("bob_receipts");
    }
}
