using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorChat.Testing;
using SkiaSharp;

namespace ActorChat.Host.Tests;

/// <summary>Photo uploads over HTTP: what is taken, what is refused, what is stored, and who may fetch it.</summary>
public sealed class AttachmentTests() : ServerTest("ActorChat:Attachments:QuotaBytesPerUser=6000000")
{
    private async Task<HttpResponseMessage> UploadAsync(string token, byte[] bytes, string fileName = "photo.jpg", string contentType = "image/jpeg")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/attachments") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Server.Http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> FetchAsync(string token, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Server.Http.SendAsync(request);
    }

    private static async Task<string> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;

    [Fact]
    public async Task A_sideways_phone_photo_is_stored_upright_with_every_piece_of_metadata_removed_and_a_thumbnail()
    {
        var token = await Server.RegisterAndLoginAsync("alice");
        var original = TestImages.SidewaysJpegWithGps(width: 800, height: 400);
        Assert.True(original.AsSpan().IndexOf("Exif"u8) > 0);

        var response = await UploadAsync(token, original);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var attachment = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("image/jpeg", 400, 800), (attachment.GetProperty("contentType").GetString(), attachment.GetProperty("width").GetInt32(), attachment.GetProperty("height").GetInt32()));
        var id = attachment.GetProperty("id").GetString()!;
        Assert.Equal($"/api/attachments/{id}", attachment.GetProperty("url").GetString());

        var stored = await FetchAsync(token, attachment.GetProperty("url").GetString()!);
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal("image/jpeg", stored.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", stored.Headers.GetValues("X-Content-Type-Options").Single());
        var bytes = await stored.Content.ReadAsByteArrayAsync();
        Assert.Equal(attachment.GetProperty("size").GetInt64(), bytes.Length);
        Assert.True(bytes.AsSpan().IndexOf("Exif"u8) < 0, "the stored photo still has EXIF");
        Assert.Equal((400, 800), TestImages.SizeOf(bytes));
        // Turned 90° clockwise: what was the left (red) half is now the top.
        Assert.True(TestImages.PixelAt(bytes, 200, 100).Red > 200 && TestImages.PixelAt(bytes, 200, 700).Blue > 200);

        var thumbnail = await FetchAsync(token, attachment.GetProperty("thumbnailUrl").GetString()!);
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal((160, 320), TestImages.SizeOf(await thumbnail.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Anything_but_an_image_is_refused_whatever_its_name_and_header_say_and_so_is_an_image_too_large_in_pixels()
    {
        var token = await Server.RegisterAndLoginAsync("alice");

        var renamed = await UploadAsync(token, TestImages.NotAnImage, "holiday.png", "image/png");
        Assert.Equal((HttpStatusCode.BadRequest, "unsupported_type"), (renamed.StatusCode, await ErrorOf(renamed)));

        // 1 × 1 in truth, 60,000 × 60,000 by its header: refused on the header, before a pixel is decoded.
        var bomb = await UploadAsync(token, TestImages.PngClaiming(60_000, 60_000), "small.png", "image/png");
        var refusal = await bomb.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((HttpStatusCode.BadRequest, "unsupported_type"), (bomb.StatusCode, refusal.GetProperty("error").GetString()));
        Assert.Contains("pixels", refusal.GetProperty("message").GetString());

        // A PNG sent as a JPEG is taken as what its bytes are.
        var png = await UploadAsync(token, TestImages.Png(), "photo.jpg", "image/jpeg");
        Assert.Equal("image/png", (await png.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task An_upload_over_the_size_limit_or_the_users_quota_is_refused_and_other_users_are_not_affected()
    {
        var alice = await Server.RegisterAndLoginAsync("alice");
        var bob = await Server.RegisterAndLoginAsync("bob");
        var oversized = new byte[6 * 1024 * 1024];
        TestImages.Png().CopyTo(oversized, 0);

        var tooLarge = await UploadAsync(alice, oversized, "big.png", "image/png");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);

        // Noise does not compress: about 1.2 MB each, so the fifth goes past the 6 MB quota of this server.
        var noisy = TestImages.Noise(640, 640);
        HttpResponseMessage last;
        var taken = 0;
        while ((last = await UploadAsync(alice, noisy, "noise.png", "image/png")).StatusCode == HttpStatusCode.Created)
            taken++;
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "quota_exceeded"), (last.StatusCode, await ErrorOf(last)));
        Assert.InRange(taken, 3, 5);
        Assert.Equal(HttpStatusCode.Created, (await UploadAsync(bob, noisy, "noise.png", "image/png")).StatusCode);
    }

    [Fact]
    public async Task Before_it_is_posted_a_photo_is_its_uploaders_alone_and_nobody_signed_out_gets_it()
    {
        var alice = await Server.RegisterAndLoginAsync("alice");
        var bob = await Server.RegisterAndLoginAsync("bob");
        var url = (await (await UploadAsync(alice, TestImages.Jpeg())).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await FetchAsync(alice, url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await FetchAsync(bob, url)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await FetchAsync(alice, "/api/attachments/0123456789abcdef0123456789abcdef")).StatusCode);
    }
}
