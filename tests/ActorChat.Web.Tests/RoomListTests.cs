using ActorChat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>Rooms that follow the account from browser to browser, and the directory of public rooms.</summary>
public sealed class RoomListTests(BrowserFixture browser) : PageTest(browser)
{
    [Fact]
    public async Task A_second_browser_of_the_same_user_shows_the_same_rooms_and_unread_counts_and_a_room_left_goes_from_both()
    {
        var laptop = await OpenAsSignedUpUserAsync("alice_devices");
        await using var bob = await Server.ConnectAsync("bob_devices");
        await JoinAsync(laptop, "kitchen");
        await JoinAsync(laptop, "porch");
        await RoomItem(laptop, "kitchen").Locator(".room-open").ClickAsync();
        await bob.JoinAsync("porch");
        foreach (var n in new[] { 1, 2 })
        {
            await bob.SendAsync(new { type = "send", room = "porch", id = $"b{n}", text = $"news {n} from the porch" });
            await bob.ExpectSkippingAsync("ack", "presence", "read", "received");
        }
        await Expect(RoomItem(laptop, "porch").GetByTestId("unread")).ToHaveTextAsync("2");

        var phone = await OpenAsReturningUserAsync("alice_devices", new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            ColorScheme = ColorScheme.Dark,
        });

        await Expect(phone.GetByTestId("room-list").Locator("li")).ToHaveCountAsync(2);
        await Expect(RoomItem(phone, "porch").GetByTestId("unread")).ToHaveTextAsync("2");
        await ScreenshotAsync(laptop, "room-list-desktop-light");
        // A new phone opens on its room list (the drawer), where the counts are.
        await ScreenshotAsync(phone, "room-list-phone-dark");

        // Left on the phone: gone from the laptop's list too, and back on both with Undo.
        await RoomItem(phone, "kitchen").GetByTestId("leave-room").ClickAsync();
        await Expect(RoomItem(laptop, "kitchen")).ToHaveCountAsync(0);
        await phone.GetByTestId("notice-action").ClickAsync();
        await Expect(RoomItem(laptop, "kitchen")).ToHaveCountAsync(1);

        // Read on the laptop: a new browser counts nothing unread in the porch.
        await RoomItem(laptop, "porch").Locator(".room-open").ClickAsync();
        await Expect(Message(laptop, "news 2 from the porch")).ToBeVisibleAsync();
        var read = await bob.ExpectSkippingAsync("read", "presence", "received");
        Assert.Equal(2, read.GetProperty("seq").GetInt64());
        var tablet = await OpenAsReturningUserAsync("alice_devices");
        await Expect(tablet.GetByTestId("room-list").Locator("li")).ToHaveCountAsync(2);
        await Expect(RoomItem(tablet, "porch").GetByTestId("unread")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Reading_a_room_on_one_device_clears_its_unread_count_on_the_users_other_open_devices()
    {
        var laptop = await OpenAsSignedUpUserAsync("alice_reads");
        await using var bob = await Server.ConnectAsync("bob_reads");
        await JoinAsync(laptop, "kitchen");
        await JoinAsync(laptop, "porch");
        var desktop = await OpenAsReturningUserAsync("alice_reads");
        await Expect(desktop.GetByTestId("room-list").Locator("li")).ToHaveCountAsync(2);
        foreach (var page in new[] { laptop, desktop })
            await RoomItem(page, "kitchen").Locator(".room-open").ClickAsync();
        await bob.JoinAsync("porch");
        foreach (var n in new[] { 1, 2 })
        {
            await bob.SendAsync(new { type = "send", room = "porch", id = $"b{n}", text = $"news {n} from the porch" });
            await bob.ExpectSkippingAsync("ack", "presence", "read", "received");
        }
        await Expect(RoomItem(desktop, "porch").GetByTestId("unread")).ToHaveTextAsync("2");
        await Expect(desktop).ToHaveTitleAsync("(2) ActorChat");

        await RoomItem(laptop, "porch").Locator(".room-open").ClickAsync();
        await Expect(Message(laptop, "news 2 from the porch")).ToBeVisibleAsync();

        // Read on the laptop is read on the desktop too, without a reload.
        await Expect(RoomItem(desktop, "porch").GetByTestId("unread")).ToBeHiddenAsync();
        await Expect(desktop).ToHaveTitleAsync("ActorChat");
    }

    [Fact]
    public async Task Messages_the_user_sent_from_another_client_are_never_counted_unread()
    {
        // Another client of Alice's that never marks anything read: a script, a bot, an older app.
        await using var script = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.RegisterAndLoginAsync("alice_script", "correct horse battery"));
        await script.ExpectAsync("welcome");
        await using var bob = await Server.ConnectAsync("bob_script");
        // The first room of the list is the one a new browser opens: the porch stays in the list, unread.
        await script.SendAsync(new { type = "create", room = "quiet" });
        await script.ExpectAsync("joined");
        await script.JoinAsync("porch");
        await bob.JoinAsync("porch");
        foreach (var (client, id, text) in new[] { (script, "a1", "mine, from the script"), (bob, "b1", "one from bob"), (script, "a2", "mine again") })
        {
            await client.SendAsync(new { type = "send", room = "porch", id, text });
            await client.ExpectSkippingAsync("ack", "presence", "message", "read", "received");
        }

        var page = await OpenAsReturningUserAsync("alice_script");

        await Expect(page.GetByTestId("room-list").Locator("li")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("current-room")).ToHaveTextAsync("quiet");
        await Expect(Message(page, "one from bob")).ToHaveCountAsync(0);
        await Expect(RoomItem(page, "porch").GetByTestId("unread")).ToHaveTextAsync("1");
        await Expect(page).ToHaveTitleAsync("(1) ActorChat");
    }

    [Fact]
    public async Task The_directory_finds_public_rooms_by_the_start_of_their_name_and_joins_one()
    {
        await using var bob = await Server.ConnectAsync("bob_directory");
        foreach (var room in new[] { "games-chess", "games-go", "gardening" })
        {
            await bob.JoinAsync(room);
            await bob.SendAsync(new { type = "send", room, id = room, text = $"welcome to {room}" });
            await bob.ExpectAsync("ack");
        }
        await bob.SendAsync(new { type = "create", room = "games-secret", @private = true });
        await bob.ExpectAsync("joined");
        await bob.SendAsync(new { type = "send", room = "games-secret", id = "s1", text = "nobody finds this" });
        await bob.ExpectAsync("ack");
        var alice = await OpenAsSignedUpUserAsync("alice_directory", new BrowserNewContextOptions { ColorScheme = ColorScheme.Dark });

        await alice.GetByTestId("directory-open").ClickAsync();
        await alice.GetByTestId("directory-search").FillAsync("games");

        var entries = alice.GetByTestId("directory-list").GetByTestId("directory-entry");
        await Expect(entries).ToHaveCountAsync(2);
        await Expect(entries.First).ToContainTextAsync("#games-chess");
        await Expect(entries.Nth(1)).ToContainTextAsync("1 member");
        await ScreenshotAsync(alice, "directory-desktop-dark");
        await entries.Nth(1).GetByTestId("directory-join").ClickAsync();

        await Expect(alice.GetByTestId("directory")).ToBeHiddenAsync();
        await Expect(alice.GetByTestId("current-room")).ToHaveTextAsync("games-go");
        await Expect(Message(alice, "welcome to games-go")).ToBeVisibleAsync();
    }
}
