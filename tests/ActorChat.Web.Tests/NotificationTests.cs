using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>Messages that mention the reader or come in a direct conversation call for attention when not in front of them.</summary>
public sealed class NotificationTests(BrowserFixture browser) : PageTest(browser)
{
    // Records each notification the page makes, passing it on to the browser's own.
    private const string RecordNotifications = """
        window.__notifications = [];
        const Real = window.Notification;
        class Recorded extends Real {
          constructor(title, options) {
            super(title, options);
            window.__notifications.push({ title, body: options?.body ?? '' });
          }
        }
        Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
        Recorded.requestPermission = (...args) => Real.requestPermission(...args);
        window.Notification = Recorded;
        """;

    [Fact]
    public async Task A_mention_elsewhere_and_a_direct_message_mark_the_title_and_notify_once_allowed()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_notify");
        var bob = await OpenAsSignedUpUserAsync("bob_notify", new BrowserNewContextOptions { Permissions = ["notifications"] });
        await bob.AddInitScriptAsync(RecordNotifications);
        await bob.ReloadAsync();
        await Expect(bob.GetByTestId("notifications")).ToHaveAttributeAsync("aria-pressed", "true");
        // The bell is drawn inline: it shows whatever fonts the machine has.
        await Expect(bob.GetByTestId("notifications").Locator("svg.icon-bell")).ToBeVisibleAsync();
        await JoinAsync(alice, "hall");
        await JoinAsync(bob, "hall");
        await JoinAsync(bob, "elsewhere");

        await SendAsync(alice, "lunch, anyone? not you @nobody");
        await SendAsync(alice, "@bob_notify are you coming?");

        await Expect(bob).ToHaveTitleAsync("(2) @ ActorChat");
        var shown = await ShownAsync(bob);
        var mention = Assert.Single(shown);
        Assert.Equal(("New message from alice_notify in #hall", "@bob_notify are you coming?"), mention);

        await alice.GetByTestId("dm-input").FillAsync("bob_notify");
        await alice.GetByTestId("dm-start").ClickAsync();
        await Expect(alice.GetByTestId("current-room")).ToHaveTextAsync("bob_notify");
        await SendAsync(alice, "psst");
        // Bob has not opened the conversation yet: it arrives once he does, and the title clears when he reads.
        await bob.GetByTestId("dm-input").FillAsync("alice_notify");
        await bob.GetByTestId("dm-start").ClickAsync();
        await Expect(Message(bob, "psst")).ToBeVisibleAsync();
        await bob.GetByTestId("room-list").Locator("li[data-room=\"hall\"] .room-open").ClickAsync();
        await Expect(bob).ToHaveTitleAsync("ActorChat");
        await bob.GetByTestId("room-list").Locator("li[data-room=\"elsewhere\"] .room-open").ClickAsync();
        await SendAsync(alice, "still there?");
        await Expect(bob).ToHaveTitleAsync("(1) @ ActorChat");
        shown = await ShownAsync(bob);
        Assert.Equal(("New message from alice_notify", "still there?"), shown[^1]);
    }

    [Fact]
    public async Task The_first_direct_message_from_someone_new_badges_the_conversation_marks_the_title_and_notifies()
    {
        await using var dave = await Server.ConnectAsync("dave_first");
        var carol = await OpenAsSignedUpUserAsync("carol_first", new BrowserNewContextOptions { Permissions = ["notifications"] });
        await carol.AddInitScriptAsync(RecordNotifications);
        await carol.ReloadAsync();
        await Expect(carol.GetByTestId("notifications")).ToHaveAttributeAsync("aria-pressed", "true");
        await JoinAsync(carol, "hall");

        // Carol has never talked with Dave: his first message is what puts the conversation in her list.
        await dave.SendAsync(new { type = "dm", user = "carol_first" });
        await dave.ExpectAsync("joined");
        await dave.SendAsync(new { type = "send", room = "dm:carol_first:dave_first", id = "d1", text = "hi carol, a quick question" });
        await dave.ExpectAsync("ack");

        var conversation = carol.GetByTestId("room-list").Locator("li[data-room=\"dm:carol_first:dave_first\"]");
        await Expect(conversation.GetByTestId("unread")).ToHaveTextAsync("1");
        await Expect(carol).ToHaveTitleAsync("(1) @ ActorChat");
        // The title changes as the notification is made: it has been made by now.
        Assert.Equal(("New message from dave_first", "hi carol, a quick question"), Assert.Single(await ShownAsync(carol)));
    }

    private static async Task<List<(string Title, string Body)>> ShownAsync(IPage page)
    {
        var shown = await page.EvaluateAsync<System.Text.Json.JsonElement>("window.__notifications");
        return [.. shown.EnumerateArray().Select(n => (n.GetProperty("title").GetString()!, n.GetProperty("body").GetString()!))];
    }
}
