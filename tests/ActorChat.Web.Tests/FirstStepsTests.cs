using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>
/// What a newcomer meets first: the sign-in form's errors, the empty screens before there is anything to show,
/// and a page that works from the keyboard and names every control for assistive technology.
/// </summary>
public sealed class FirstStepsTests(BrowserFixture browser) : PageTest(browser)
{
    [Fact]
    public async Task Each_sign_in_mistake_is_told_in_words_beside_the_form_and_the_field_to_fix_gets_the_focus()
    {
        await Server.RegisterAndLoginAsync("dana_taken", "correct horse battery");
        var page = await OpenSignedOutAsync();
        var username = page.GetByTestId("username");
        var password = page.GetByTestId("password");
        var error = page.GetByTestId("auth-error");
        await Expect(error).ToBeHiddenAsync();

        await username.FillAsync("dana new");
        await password.FillAsync("correct horse battery");
        await page.GetByTestId("register").ClickAsync();
        await Expect(error).ToHaveTextAsync("Invalid username: 3–32 characters: letters, digits, _ . -");
        await Expect(error).ToHaveAttributeAsync("role", "alert");

        await username.FillAsync("dana_new");
        await Expect(error).ToBeHiddenAsync();
        await password.FillAsync("short");
        await page.GetByTestId("register").ClickAsync();
        await Expect(error).ToHaveTextAsync("Password too weak: use at least 8 characters");
        await Expect(password).ToBeFocusedAsync();

        await username.FillAsync("dana_taken");
        await password.FillAsync("another good password");
        await page.GetByTestId("register").ClickAsync();
        await Expect(error).ToHaveTextAsync("That username is already taken — try another one");
        await Expect(username).ToBeFocusedAsync();

        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(error).ToHaveTextAsync("Wrong username or password");
        await Expect(password).ToBeFocusedAsync();
        await Expect(page.GetByTestId("join-room-input")).ToBeHiddenAsync();

        await password.FillAsync("correct horse battery");
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByTestId("current-user")).ToHaveTextAsync("dana_taken");
        await Expect(error).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Past_the_registration_limit_the_page_says_how_long_the_server_asks_to_wait()
    {
        // A server with a registration limit of its own, and every account this address may register in the hour registered.
        await using var strict = await ActorChat.Testing.ChatServer.StartAsync(null, "ActorChat:Auth:RegistrationsPerHour=2");
        for (var i = 0; i < 2; i++)
            Assert.Equal(System.Net.HttpStatusCode.Created, (await strict.Http.PostAsJsonAsync("/api/register", new { username = $"early_{i}", password = "correct horse" })).StatusCode);
        var page = await OpenSignedOutAsync(via: strict.Address);

        await page.GetByTestId("username").FillAsync("one_too_many");
        await page.GetByTestId("password").FillAsync("correct horse battery");
        await page.GetByTestId("register").ClickAsync();

        // The server's Retry-After is most of an hour: the page says so, not "a minute".
        await Expect(page.GetByTestId("auth-error")).ToHaveTextAsync("Too many accounts were registered from this address — try again in an hour");
    }

    [Fact]
    public async Task A_new_user_an_empty_directory_and_an_empty_room_each_say_what_to_do_next()
    {
        var page = await OpenAsSignedUpUserAsync("erin_empty");
        await Expect(page.Locator(".rooms-empty")).ToHaveTextAsync("No rooms yet. Join one above — try general.");
        await Expect(page.Locator(".no-room-state")).ToHaveTextAsync("Join a room to start chatting.");
        await Expect(page.GetByTestId("composer")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("composer")).ToHaveAttributeAsync("placeholder", "Join a room to start chatting");

        await page.GetByTestId("directory-open").ClickAsync();
        await Expect(page.GetByTestId("directory")).ToContainTextAsync("No public rooms yet — join one by name");
        await page.GetByTestId("directory-close").ClickAsync();

        await JoinAsync(page, "quiet");
        var empty = page.Locator(".empty-state");
        await Expect(empty).ToHaveTextAsync("No messages yet — say hello!");
        await Expect(page.Locator(".rooms-empty")).ToBeHiddenAsync();
        await Expect(page.Locator(".no-room-state")).ToBeHiddenAsync();

        await SendAsync(page, "hello?");
        await Expect(Message(page, "hello?")).ToBeVisibleAsync();
        await Expect(empty).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Signing_up_joining_and_sending_work_from_the_keyboard_alone_with_the_focus_always_shown()
    {
        var page = await OpenSignedOutAsync();
        await Expect(page.GetByTestId("username")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("kim_keys");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByTestId("password")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("correct horse battery");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByTestId("sign-in")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        var register = page.GetByTestId("register");
        await Expect(register).ToBeFocusedAsync();
        await ExpectFocusRingAsync(register);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("current-user")).ToHaveTextAsync("kim_keys");

        // From the join box: a room by name and Enter, and the message box takes the focus.
        await page.GetByTestId("join-room-input").FocusAsync();
        await page.Keyboard.TypeAsync("keys");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("current-room")).ToHaveTextAsync("keys");
        var composer = page.GetByTestId("composer");
        await Expect(composer).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("typed, never clicked");
        await page.Keyboard.PressAsync("Enter");
        await Expect(AcknowledgedMessages(page)).ToHaveCountAsync(1);
        await Expect(composer).ToHaveValueAsync("");

        // Shift+Tab walks back through the composer's buttons, each ringed as it takes the focus.
        await page.Keyboard.PressAsync("Shift+Tab");
        var emoji = page.GetByTestId("emoji-button");
        await Expect(emoji).ToBeFocusedAsync();
        await ExpectFocusRingAsync(emoji);
        await page.Keyboard.PressAsync("Shift+Tab");
        var attach = page.GetByTestId("attach-button");
        await Expect(attach).ToBeFocusedAsync();
        await ExpectFocusRingAsync(attach);
    }

    [Fact]
    public async Task Every_region_and_control_of_the_page_has_a_role_and_a_name_for_a_screen_reader()
    {
        var page = await OpenAsSignedUpUserAsync("lee_labels");
        await JoinAsync(page, "labels");
        await SendAsync(page, "read aloud");
        await Expect(AcknowledgedMessages(page)).ToHaveCountAsync(1);

        await Expect(page.GetByRole(AriaRole.Complementary, new PageGetByRoleOptions { Name = "Account and rooms" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new PageGetByRoleOptions { Name = "Rooms" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Region, new PageGetByRoleOptions { Name = "Conversation" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.List, new PageGetByRoleOptions { Name = "Messages" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Textbox, new PageGetByRoleOptions { Name = "Message", Exact = true })).ToBeEditableAsync();
        await Expect(page.GetByRole(AriaRole.Searchbox, new PageGetByRoleOptions { Name = "Search the loaded messages of this room" })).ToBeEnabledAsync();
        await Expect(page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Send message" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Attach a photo" })).ToBeEnabledAsync();
        await Expect(page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Leave room labels" })).ToBeVisibleAsync();
        var room = page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "labels", Exact = true });
        await Expect(room).ToHaveAttributeAsync("aria-current", "true");
        await Expect(page.GetByRole(AriaRole.Img, new PageGetByRoleOptions { Name = "Sent" })).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("connection-status")).ToHaveAttributeAsync("role", "status");

        // Nothing a user can reach is nameless: every shown button and field has words a screen reader can say.
        var nameless = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('button, input:not([type=hidden]), textarea, select, [role=button], img')]
              .filter((e) => e.checkVisibility())
              .filter((e) => {
                if (e.tagName === 'IMG') return !e.hasAttribute('alt');
                const labelled = e.getAttribute('aria-labelledby');
                const name = e.getAttribute('aria-label') || (labelled && document.getElementById(labelled)?.textContent)
                  || [...(e.labels || [])].map((l) => l.textContent).join('') || e.title
                  || (e.tagName === 'BUTTON' ? e.textContent : '');
                return !name || !name.trim();
              })
              .map((e) => e.outerHTML.slice(0, 120))
            """);
        Assert.Empty(nameless);
    }

    // The focused control wears the page's focus ring (a box shadow that it has not when unfocused).
    private static async Task ExpectFocusRingAsync(ILocator control)
    {
        await Expect(control).ToBeFocusedAsync();
        var ring = await control.EvaluateAsync<string>("e => getComputedStyle(e).boxShadow");
        Assert.NotEqual("none", ring);
        Assert.Equal("true", await control.EvaluateAsync<string>("e => String(e.matches(':focus-visible'))"));
    }
}
