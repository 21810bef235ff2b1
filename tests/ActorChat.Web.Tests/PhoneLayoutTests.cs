using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>On a phone the conversation has the screen; rooms and account are a drawer.</summary>
public sealed class PhoneLayoutTests(BrowserFixture browser) : PageTest(browser)
{
    [Fact]
    public async Task On_a_phone_the_room_list_is_a_drawer_that_opens_from_the_header_and_closes_on_a_pick()
    {
        var phone = await OpenAsSignedUpUserAsync("pocket_user", new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var sidebar = phone.Locator("#sidebar");
        var toggle = phone.GetByTestId("drawer-toggle");

        // No room yet: the drawer is open, with the way to join one.
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(phone.GetByTestId("join-room-input")).ToBeInViewportAsync();
        await JoinAsync(phone, "pocket");
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await toggle.ClickAsync();
        // As a user does: the drawer slides in, then the second room is typed in it.
        await Expect(phone.GetByTestId("join-room-input")).ToBeInViewportAsync(new() { Ratio = 1 });
        await JoinAsync(phone, "purse");

        // A room picked: the conversation has the screen, the drawer is out of sight.
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(sidebar).Not.ToBeInViewportAsync();
        await Expect(phone.GetByTestId("composer")).ToBeInViewportAsync();
        await SendAsync(phone, "typed on a phone");
        await Expect(Message(phone, "typed on a phone")).ToBeInViewportAsync();
        var head = await phone.Locator(".room-head").BoundingBoxAsync();
        Assert.True(head!.Height < 844 * 0.12, $"the header takes {head.Height}px of 844");
        await ScreenshotAsync(phone, "phone-room-light");

        await toggle.ClickAsync();
        await Expect(phone.GetByTestId("room-list")).ToBeInViewportAsync();
        await ScreenshotAsync(phone, "phone-drawer-light");
        await phone.GetByTestId("room-list").Locator("li[data-room=\"pocket\"] .room-open").ClickAsync();
        await Expect(phone.GetByTestId("current-room")).ToHaveTextAsync("pocket");
        await Expect(sidebar).Not.ToBeInViewportAsync();

        // Escape closes it too.
        await toggle.ClickAsync();
        await Expect(sidebar).ToBeInViewportAsync();
        await phone.Keyboard.PressAsync("Escape");
        await Expect(sidebar).Not.ToBeInViewportAsync();

        // So does a tap anywhere beside it: the dimmed backdrop covers the whole conversation, not the header alone.
        await toggle.ClickAsync();
        await Expect(sidebar).ToBeInViewportAsync();
        var backdrop = await phone.GetByTestId("drawer-backdrop").BoundingBoxAsync();
        Assert.Equal((390f, 844f), (backdrop!.Width, backdrop.Height));
        await phone.Mouse.ClickAsync(370, 600);
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(sidebar).Not.ToBeInViewportAsync();
    }
}
