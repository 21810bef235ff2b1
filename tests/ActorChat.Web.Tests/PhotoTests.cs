using ActorChat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorChat.Web.Tests;

/// <summary>Photos on the page: attached by button, dropped or pasted, previewed while they upload, shown to the room, opened full size.</summary>
public sealed class PhotoTests(BrowserFixture browser) : PageTest(browser)
{
    [Fact]
    public async Task Two_users_trade_a_real_photo_and_open_it_full_size()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_photos");
        var bob = await OpenAsSignedUpUserAsync("bob_photos", new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            ColorScheme = ColorScheme.Dark,
        });
        await JoinAsync(alice, "album");
        await JoinAsync(bob, "album");

        await alice.GetByTestId("attach-input").SetInputFilesAsync(new FilePayload { Name = "roses.jpg", MimeType = "image/jpeg", Buffer = TestImages.Jpeg(900, 600) });
        await Expect(alice.GetByTestId("attachment-preview")).ToBeVisibleAsync();
        await Expect(alice.GetByTestId("send")).ToBeEnabledAsync();
        await alice.GetByTestId("composer").FillAsync("the roses are out");
        await alice.GetByTestId("send").ClickAsync();

        await Expect(alice.GetByTestId("attachment-preview")).ToBeHiddenAsync();
        var received = bob.GetByTestId("message-list").GetByTestId("photo-thumbnail");
        await Expect(received).ToHaveCountAsync(1);
        await Expect(received).ToHaveJSPropertyAsync("naturalWidth", 320);
        await Expect(Message(bob, "the roses are out")).ToBeVisibleAsync();
        await ScreenshotAsync(bob, "photo-phone-dark");

        await bob.GetByTestId("photo").ClickAsync();
        await Expect(bob.GetByTestId("lightbox")).ToBeVisibleAsync();
        await Expect(bob.GetByTestId("lightbox-image")).ToHaveJSPropertyAsync("naturalWidth", 900);
        await bob.GetByTestId("lightbox-close").ClickAsync();

        // Bob's answer is dropped on the conversation, with no text.
        var png = Convert.ToBase64String(TestImages.Png(200, 100));
        var dropped = await bob.EvaluateHandleAsync("""
            (b64) => {
              const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
              const transfer = new DataTransfer();
              transfer.items.add(new File([bytes], 'mine.png', { type: 'image/png' }));
              return transfer;
            }
            """, png);
        await bob.DispatchEventAsync(".main", "drop", new { dataTransfer = dropped });
        await Expect(bob.GetByTestId("send")).ToBeEnabledAsync();
        await bob.GetByTestId("send").ClickAsync();

        var back = alice.GetByTestId("message-list").GetByTestId("photo-thumbnail");
        await Expect(back).ToHaveCountAsync(2);
        await Expect(back.Nth(1)).ToHaveJSPropertyAsync("naturalWidth", 200);
        await ScreenshotAsync(alice, "photo-desktop-light");
    }

    [Fact]
    public async Task A_photo_pasted_into_the_message_box_goes_out_with_the_text_typed_beside_it()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_paste");
        await using var bob = await Server.ConnectAsync("bob_paste");
        await JoinAsync(alice, "clipboard");
        await bob.JoinAsync("clipboard");

        // What a browser hands the box when an image is pasted from the clipboard.
        var png = Convert.ToBase64String(TestImages.Png(120, 80));
        await alice.GetByTestId("composer").EvaluateAsync("""
            (box, b64) => {
              const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
              const clipboard = new DataTransfer();
              clipboard.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
              box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true }));
            }
            """, png);
        await Expect(alice.GetByTestId("attachment-preview")).ToBeVisibleAsync();
        await Expect(alice.GetByTestId("send")).ToBeEnabledAsync();
        await alice.GetByTestId("composer").FillAsync("straight from the clipboard");
        await alice.GetByTestId("send").ClickAsync();

        var message = await bob.ExpectSkippingAsync("message", "presence", "read", "received", "typing");
        Assert.Equal("straight from the clipboard", message.GetProperty("text").GetString());
        Assert.Equal(120, message.GetProperty("attachment").GetProperty("width").GetInt32());
        await Expect(alice.GetByTestId("message-list").GetByTestId("photo-thumbnail")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_refused_whatever_its_name()
    {
        var alice = await OpenAsSignedUpUserAsync("alice_fake_photo");
        await JoinAsync(alice, "album");

        await alice.GetByTestId("attach-input").SetInputFilesAsync(new FilePayload { Name = "holiday.png", MimeType = "image/png", Buffer = TestImages.NotAnImage });

        await Expect(Notice(alice, "not a photo")).ToBeVisibleAsync();
        await Expect(alice.GetByTestId("attachment-preview")).ToBeHiddenAsync();
        await Expect(alice.GetByTestId("send")).ToBeDisabledAsync();
    }
}
