using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>Writing with the emoji picker, and finding a message among those loaded.</summary>
public sealed class ComposerAndSearchTests(BrowserFixture browser) : PageTest(browser)
{
    [Fact]
    public async Task An_emoji_picked_from_the_picker_goes_in_at_the_cursor_and_reaches_the_other_side()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_emoji");
        var bob = await OpenAsSignedUpUserAsync("bob_emoji");
        await JoinAsync(alice, "emoji");
        await JoinAsync(bob, "emoji");

        var composer = alice.GetByTestId("composer");
        await composer.FillAsync("good  morning");
        await composer.EvaluateAsync("box => box.setSelectionRange(5, 5)");
        await alice.GetByTestId("emoji-button").ClickAsync();
        var picker = alice.GetByTestId("emoji-picker");
        await Expect(picker).ToBeVisibleAsync();
        await Expect(alice.GetByTestId("emoji-button")).ToHaveAttributeAsync("aria-expanded", "true");

        await picker.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Insert ☕" }).ClickAsync();

        await Expect(picker).ToBeHiddenAsync();
        await Expect(composer).ToHaveValueAsync("good ☕ morning");
        await Expect(composer).ToBeFocusedAsync();
        await alice.Keyboard.PressAsync("Enter");
        await Expect(Message(bob, "good ☕ morning")).ToHaveCountAsync(1);

        // Escape closes the picker and gives the focus back to its button.
        await alice.GetByTestId("emoji-button").ClickAsync();
        await Expect(picker).ToBeVisibleAsync();
        await alice.Keyboard.PressAsync("Escape");
        await Expect(picker).ToBeHiddenAsync();
        await Expect(alice.GetByTestId("emoji-button")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task Searching_a_room_shows_only_the_loaded_messages_that_match_until_cleared()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_search");
        await JoinAsync(alice, "search");
        foreach (var text in new[] { "Lunch at noon?", "The build is green", "lunch moved to one", "see you there" })
            await SendAsync(alice, text);
        await Expect(alice.Locator(".own[data-status=sent]")).ToHaveCountAsync(4);

        var search = alice.GetByTestId("search");
        await search.FillAsync("LUNCH");

        var shown = alice.GetByTestId("message-list").Locator("li.msg:visible");
        await Expect(shown).ToHaveCountAsync(2);
        await Expect(shown.GetByTestId("message-text")).ToHaveTextAsync(["Lunch at noon?", "lunch moved to one"]);
        await Expect(alice.GetByTestId("search-count")).ToHaveTextAsync("2 matches");

        await search.FillAsync("nothing like this");
        await Expect(shown).ToHaveCountAsync(0);
        await Expect(alice.GetByTestId("search-count")).ToHaveTextAsync("0 matches");

        await search.PressAsync("Escape");
        await Expect(search).ToHaveValueAsync("");
        await Expect(shown).ToHaveCountAsync(4);
        await Expect(alice.GetByTestId("search-count")).ToBeHiddenAsync();
    }
}
