using System.Text.RegularExpressions;
using ActorChat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>
/// Profiles from the page: a user gives themselves a name, a status and a photo in the profile editor; everyone in
/// their rooms sees them at once beside the user's messages and in the member list, a device opened later looks them
/// up, and an `@` in the message box finds the user by their display name.
/// </summary>
public sealed class ProfilePageTests(BrowserFixture browser) : PageTest(browser)
{
    private static ILocator Member(IPage page, string user) => page.GetByTestId("members").Locator($"li[data-user=\"{user}\"]");

    private static ILocator Row(IPage page, string text) =>
        page.GetByTestId("message-list").Locator("li.msg", new LocatorLocatorOptions { HasText = text });

    private static async Task ShowRoomsAsync(IPage page)
    {
        var toggle = page.GetByTestId("drawer-toggle");
        if (await toggle.IsVisibleAsync() && await toggle.GetAttributeAsync("aria-expanded") != "true")
            await toggle.ClickAsync();
    }

    [Theory]
    [InlineData("desktop-light", 1280, 800, false)]
    [InlineData("phone-dark", 390, 844, true)]
    public async Task A_name_status_and_photo_set_in_the_editor_show_beside_messages_and_members_and_an_at_finds_the_user_by_name(
        string look, int width, int height, bool phone)
    {
        var suffix = phone ? "p" : "d";
        var (alice, bob, room) = ($"alice_pf{suffix}", $"bob_pf{suffix}", $"tea_{suffix}");
        var options = new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = phone ? ColorScheme.Dark : ColorScheme.Light,
        };
        var alicePage = await OpenAsSignedUpUserAsync(alice, options);
        var bobPage = await OpenAsSignedUpUserAsync(bob, options);
        await JoinAsync(alicePage, room);
        await JoinAsync(bobPage, room);
        await SendAsync(alicePage, "the tea is ready");
        var row = Row(bobPage, "the tea is ready");
        await Expect(row.GetByTestId("message-from")).ToHaveTextAsync(alice);

        // The editor: opened from the user's own picture.
        await ShowRoomsAsync(alicePage);
        await alicePage.GetByTestId("profile-open").ClickAsync();
        var editor = alicePage.GetByTestId("profile-editor");
        await Expect(editor).ToBeVisibleAsync();
        await editor.GetByTestId("profile-name").FillAsync("Alice Liddell");
        await editor.GetByTestId("profile-status").FillAsync("late for tea");
        await editor.GetByTestId("profile-avatar-file").SetInputFilesAsync(
            new FilePayload { Name = "me.png", MimeType = "image/png", Buffer = TestImages.Png(300, 200) });
        await Expect(editor.GetByTestId("profile-preview").Locator(".avatar")).ToHaveClassAsync(new Regex(@"\bhas-photo\b"));
        await ScreenshotAsync(alicePage, $"profile-editor-{look}");
        await editor.GetByTestId("profile-save").ClickAsync();
        await Expect(editor).ToBeHiddenAsync();
        await Expect(alicePage.GetByTestId("profile-open").Locator(".avatar")).ToHaveClassAsync(new Regex(@"\bhas-photo\b"));

        // Bob sees it at once, beside the message already shown and in the member list, the username kept in the title.
        await Expect(row.GetByTestId("message-from")).ToHaveTextAsync("Alice Liddell");
        await Expect(row.GetByTestId("message-from")).ToHaveAttributeAsync("title", $"@{alice}");
        await Expect(row.GetByTestId("message-username")).ToHaveTextAsync($"@{alice}");
        await Expect(row.Locator(".avatar")).ToHaveClassAsync(new Regex(@"\bhas-photo\b"));
        if (phone)
            await bobPage.GetByTestId("member-count").ClickAsync();
        await Expect(Member(bobPage, alice).GetByTestId("member-name")).ToHaveTextAsync("Alice Liddell");
        await Expect(Member(bobPage, alice).GetByTestId("member-status")).ToHaveTextAsync("late for tea");
        await ScreenshotAsync(bobPage, $"profile-seen-{look}");
        if (phone)
            await bobPage.GetByTestId("member-count").ClickAsync();

        // An @ finds Alice by a word of her display name and puts in her username.
        var composer = bobPage.GetByTestId("composer");
        await composer.FillAsync("hello @lid");
        var suggestions = bobPage.GetByTestId("mention-suggestions");
        await Expect(suggestions.GetByTestId("mention-option")).ToHaveCountAsync(1);
        await Expect(suggestions.GetByTestId("mention-option")).ToContainTextAsync("Alice Liddell");
        await ScreenshotAsync(bobPage, $"mention-suggestions-{look}");
        await composer.PressAsync("Enter");
        await Expect(suggestions).ToBeHiddenAsync();
        await Expect(composer).ToHaveValueAsync($"hello @{alice} ");
        await composer.PressAsync("Enter");
        await Expect(Row(alicePage, "hello")).ToHaveClassAsync(new Regex(@"\bmentions-me\b"));

        // A device opened later looks the profile up.
        var later = await OpenAsReturningUserAsync(bob, options);
        await Expect(Row(later, "the tea is ready").GetByTestId("message-from")).ToHaveTextAsync("Alice Liddell");
    }

    [Fact]
    public async Task A_photo_the_server_will_not_take_is_explained_in_the_editor_and_nothing_changes()
    {
        var page = await OpenAsSignedUpUserAsync("carol_pf");
        await JoinAsync(page, "bakery");
        await page.GetByTestId("profile-open").ClickAsync();
        var editor = page.GetByTestId("profile-editor");
        await editor.GetByTestId("profile-name").FillAsync("Carol");
        await editor.GetByTestId("profile-avatar-file").SetInputFilesAsync(
            new FilePayload { Name = "holiday.png", MimeType = "image/png", Buffer = TestImages.NotAnImage });
        await editor.GetByTestId("profile-save").ClickAsync();

        await Expect(editor.GetByTestId("profile-message")).ToContainTextAsync("not a photo");
        await Expect(editor).ToBeVisibleAsync();
        await editor.GetByTestId("profile-close").ClickAsync();
        await SendAsync(page, "fresh bread");
        await Expect(Row(page, "fresh bread").GetByTestId("message-from")).ToHaveTextAsync("carol_pf");
        await Expect(Row(page, "fresh bread").GetByTestId("message-username")).ToBeHiddenAsync();
    }
}
