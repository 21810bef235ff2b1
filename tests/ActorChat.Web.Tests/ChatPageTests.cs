using ActorChat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

public sealed class ChatPageTests(BrowserFixture browser) : PageTest(browser)
{
    [Fact]
    public async Task Two_people_chat_both_ways_and_own_messages_are_marked_sent_not_echoed()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_web");
        var bob = await OpenAsSignedUpUserAsync("bob_web");
        await JoinAsync(alice, "lobby");
        await JoinAsync(bob, "lobby");
        await Expect(alice.GetByTestId("members")).ToContainTextAsync("bob_web");

        await SendAsync(alice, "Hi Bob, it's Alice");
        await Expect(Message(bob, "Hi Bob, it's Alice")).ToHaveCountAsync(1);
        await SendAsync(bob, "Hello Alice!");
        await Expect(Message(alice, "Hello Alice!")).ToHaveCountAsync(1);

        var own = alice.Locator(".own").Filter(new LocatorFilterOptions { HasText = "Hi Bob, it's Alice" });
        await Expect(own).ToHaveCountAsync(1);
        await Expect(own).ToHaveAttributeAsync("data-status", Acknowledged);
        await Expect(Message(alice, "Hi Bob, it's Alice")).ToHaveCountAsync(1);
        await Expect(bob.Locator(".own").Filter(new LocatorFilterOptions { HasText = "Hi Bob, it's Alice" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_signed_out_visitor_gets_the_sign_in_form_under_a_strict_policy_with_nothing_in_the_console()
    {
        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.Address.ToString() });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add(message.Text); };
        page.PageError += (_, error) => problems.Add(error);

        var response = await page.GotoAsync("/");
        await Expect(page.GetByTestId("username")).ToBeVisibleAsync();
        // A sign-up, a sign-out and a reload: the signed-out page again, still with nothing to complain about.
        await page.GetByTestId("username").FillAsync("console_watcher");
        await page.GetByTestId("password").FillAsync("correct horse battery");
        await page.GetByTestId("register").ClickAsync();
        await Expect(page.GetByTestId("join-room-input")).ToBeVisibleAsync();
        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page.GetByTestId("username")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(page.GetByTestId("username")).ToBeVisibleAsync();

        var headers = await response!.AllHeadersAsync();
        Assert.Contains("default-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Sign_out_everywhere_in_one_browser_signs_the_other_out_at_once_and_no_token_is_put_in_a_socket_url()
    {
        var laptop = await OpenAsSignedUpUserAsync("two_devices");
        var phoneContext = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.Address.ToString() });
        var phone = await phoneContext.NewPageAsync();
        phone.SetDefaultTimeout(15_000);
        phone.SetDefaultNavigationTimeout(30_000);
        var socketUrls = new List<string>();
        phone.WebSocket += (_, socket) => socketUrls.Add(socket.Url);
        await phone.GotoAsync("/");
        await phone.GetByTestId("username").FillAsync("two_devices");
        await phone.GetByTestId("password").FillAsync("correct horse battery");
        await phone.GetByTestId("sign-in").ClickAsync();
        await Expect(phone.GetByTestId("connection-status")).ToHaveAttributeAsync("data-state", "connected");

        await laptop.GetByTestId("sign-out-everywhere").ClickAsync();

        await Expect(laptop.GetByTestId("auth-error")).ToContainTextAsync("signed out on every device");
        await Expect(phone.GetByTestId("auth-error")).ToContainTextAsync("You have been signed out");
        await phone.ReloadAsync();
        await Expect(phone.GetByTestId("username")).ToBeVisibleAsync();
        // The socket was authenticated by the HttpOnly cookie: no token in its URL, where logs and proxies would see it.
        Assert.NotEmpty(socketUrls);
        Assert.All(socketUrls, url => Assert.DoesNotContain("access_token", url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Markup_in_a_message_is_shown_as_literal_text_and_never_runs()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_xss");
        var bob = await OpenAsSignedUpUserAsync("bob_xss");
        var dialogs = 0;
        bob.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        await JoinAsync(alice, "xss");
        await JoinAsync(bob, "xss");

        const string attack = "<img src=x onerror=alert(1)>";
        await SendAsync(alice, attack);

        await Expect(Message(bob, attack)).ToHaveTextAsync(attack);
        Assert.Equal(0, await bob.GetByTestId("message-list").Locator("img").CountAsync());
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task Leaving_a_room_takes_one_click_and_undo_brings_it_back_with_its_messages()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_leaves");
        await JoinAsync(alice, "stay");
        await JoinAsync(alice, "maybe");
        await SendAsync(alice, "worth keeping");
        await Expect(alice.Locator(".own[data-status=sent]")).ToHaveCountAsync(1);

        var rooms = alice.GetByTestId("room-list");
        await rooms.Locator("li[data-room=maybe]").GetByTestId("leave-room").ClickAsync();

        await Expect(rooms.Locator("li[data-room=maybe]")).ToHaveCountAsync(0);
        var notice = alice.GetByTestId("notice").Filter(new LocatorFilterOptions { HasText = "Left #maybe" });
        await Expect(notice).ToBeVisibleAsync();

        await notice.GetByTestId("notice-action").ClickAsync();

        await Expect(rooms.Locator("li[data-room=maybe]")).ToHaveCountAsync(1);
        await Expect(alice.GetByTestId("current-room")).ToContainTextAsync("maybe");
        await Expect(Message(alice, "worth keeping")).ToHaveCountAsync(1);
        await Expect(notice).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Coming_back_to_a_room_shows_a_new_messages_line_where_the_reader_left_off()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_newline");
        var bob = await OpenAsSignedUpUserAsync("bob_newline");
        await JoinAsync(alice, "news");
        await JoinAsync(bob, "news");
        await SendAsync(alice, "read this one");
        await Expect(Message(bob, "read this one")).ToHaveCountAsync(1);
        // Bob has read it once Alice sees it marked so.
        await Expect(alice.GetByTestId("seen-by")).ToContainTextAsync("bob_newline");
        await Expect(bob.GetByTestId("new-line")).ToBeHiddenAsync();

        await JoinAsync(bob, "elsewhere");
        await SendAsync(alice, "missed while away");
        await SendAsync(alice, "missed as well");
        var news = bob.GetByTestId("room-list").Locator("li[data-room=news]");
        await Expect(news.GetByTestId("unread")).ToHaveTextAsync("2");

        await news.Locator(".room-open").ClickAsync();

        var line = bob.GetByTestId("message-list").Locator("li.msg").Filter(new LocatorFilterOptions { HasText = "missed while away" }).GetByTestId("new-line");
        await Expect(line).ToBeVisibleAsync();
        await Expect(line).ToHaveTextAsync("New messages");
        await Expect(bob.GetByTestId("message-list").GetByTestId("new-line").Locator("visible=true")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_reload_keeps_the_user_signed_in_with_the_room_and_its_history()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_reload");
        await JoinAsync(alice, "memories");
        await SendAsync(alice, "remember me");
        await Expect(alice.Locator(".own[data-status=sent]")).ToHaveCountAsync(1);

        await alice.ReloadAsync();

        await Expect(alice.GetByTestId("current-room")).ToContainTextAsync("memories");
        await Expect(Message(alice, "remember me")).ToHaveCountAsync(1);
    }
}

public sealed class ReconnectPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task After_a_server_restart_the_page_reconnects_by_itself_and_shows_what_it_missed_once()
    {
        var port = FreePort();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "actorchat-tests", Guid.NewGuid().ToString("N"));
        var urls = $"urls=http://127.0.0.1:{port}";
        var server = await ChatServer.StartAsync(dataDirectory, urls);
        var bobToken = await server.RegisterAndLoginAsync("bob_outage");

        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByTestId("username").FillAsync("alice_outage");
        await page.GetByTestId("password").FillAsync("correct horse battery");
        await page.GetByTestId("register").ClickAsync();
        await page.GetByTestId("join-room-input").FillAsync("outage");
        await page.GetByTestId("join-room-button").ClickAsync();
        await page.GetByTestId("composer").FillAsync("before the outage");
        await page.GetByTestId("send").ClickAsync();
        await Expect(page.Locator(".own[data-status=sent]")).ToHaveCountAsync(1);

        await server.DisposeAsync();
        await Expect(page.GetByTestId("connection-status")).Not.ToHaveAttributeAsync("data-state", "connected");

        // Back on the same address and data; someone writes, usually before the page has found its way back.
        await using var restarted = await ChatServer.StartAsync(dataDirectory, urls);
        await using (var bob = await ChatClient.ConnectAsync(restarted.SocketAddress, bobToken))
        {
            await bob.ExpectAsync("welcome");
            await bob.JoinAsync("outage");
            await bob.SendAsync(new { type = "send", room = "outage", id = "b1", text = "while you were away" });
            // The page may be back first: its presence and its read marker can come before the ack.
            await bob.ExpectSkippingAsync("ack", "presence", "read", "received");
        }

        await Expect(page.GetByTestId("connection-status")).ToHaveAttributeAsync("data-state", "connected");
        var list = page.GetByTestId("message-list").GetByTestId("message-text");
        await Expect(list.Filter(new LocatorFilterOptions { HasText = "while you were away" })).ToHaveCountAsync(1);
        await Expect(list.Filter(new LocatorFilterOptions { HasText = "before the outage" })).ToHaveCountAsync(1);
        await page.GetByTestId("composer").FillAsync("back again");
        await page.GetByTestId("send").ClickAsync();
        await Expect(page.Locator(".own[data-status=sent]")).ToHaveCountAsync(2);
        await context.CloseAsync();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
