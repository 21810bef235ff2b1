using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>Profiles over real sockets: changed on one device, seen at once on the others and by everyone in the user's rooms; avatars through the photo pipeline.</summary>
public sealed class ProfileTests : ServerTest
{
    private static readonly string[] Chatter = ["rooms", "room", "presence", "joined", "read", "received"];

    private static readonly string[] AskedAbout = ["ALICE_P", "bob_p", "nobody_p"];

    private async Task<(ChatClient Client, string Token)> SignInAsync(string user)
    {
        var token = await Server.RegisterAndLoginAsync(user);
        var client = await ChatClient.ConnectAsync(Server.SocketAddress, token);
        await client.ExpectAsync("welcome");
        return (client, token);
    }

    private async Task<HttpResponseMessage> UploadAsync(string token, byte[] image, string query = "?purpose=avatar")
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(image), "file", "me.jpg");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/attachments" + query) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Server.Http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> FetchAsync(string token, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Server.Http.SendAsync(request);
    }

    private static async Task<JsonElement> AnswerAsync(ChatClient client, object frame, string type)
    {
        await client.SendAsync(frame);
        return await client.ExpectSkippingAsync(type, Chatter);
    }

    private static (string? User, string? Name, string? Status, long Rev) Fields(JsonElement profile) =>
        (profile.GetProperty("user").GetString(), profile.GetProperty("name").GetString(), profile.GetProperty("status").GetString(),
         profile.GetProperty("rev").GetInt64());

    [Fact]
    public async Task A_profile_change_reaches_the_users_other_devices_and_everyone_in_their_rooms_and_anyone_looks_it_up()
    {
        var (alice, _) = await SignInAsync("Alice_p");
        await using var _a = alice;
        await using var alicePhone = await ChatClient.ConnectAsync(Server.SocketAddress, await Server.LoginAsync("Alice_p"));
        await alicePhone.ExpectAsync("welcome");
        await using var bob = await Server.ConnectAsync("bob_p");
        await using var carol = await Server.ConnectAsync("carol_p");
        await alice.JoinAsync("parlour");
        await bob.JoinAsync("parlour");

        var answer = await AnswerAsync(alice, new { type = "profile", name = " Alice Liddell ", status = "curious" }, "profile");

        Assert.Equal(("Alice_p", "Alice Liddell", "curious", 1L), Fields(answer));
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("avatar").ValueKind);
        Assert.Equal(("Alice_p", "Alice Liddell", "curious", 1L), Fields(await alicePhone.ExpectSkippingAsync("profile", Chatter)));
        Assert.Equal(("Alice_p", "Alice Liddell", "curious", 1L), Fields(await bob.ExpectSkippingAsync("profile", Chatter)));

        // Carol shares no room with Alice: she looks the profile up, by any case of the name; users without one are left out.
        var looked = await AnswerAsync(carol, new { type = "profiles", users = AskedAbout }, "profiles");
        Assert.Equal([("Alice_p", "Alice Liddell", "curious", 1L)], looked.GetProperty("profiles").EnumerateArray().Select(Fields));

        // Only the fields named change; an empty one is cleared.
        var cleared = await AnswerAsync(alicePhone, new { type = "profile", status = "" }, "profile");
        Assert.Equal(("Alice_p", "Alice Liddell", (string?)null, 2L), Fields(cleared));
        Assert.Equal(2, (await bob.ExpectSkippingAsync("profile", Chatter)).GetProperty("rev").GetInt64());
        // Alice's first device hears it once, from her account, though she is in the room too.
        Assert.Equal(("Alice_p", "Alice Liddell", (string?)null, 2L), Fields(await alice.ExpectSkippingAsync("profile", Chatter)));

        var error = await AnswerAsync(alice, new { type = "profile", name = new string('n', 65) }, "error");
        Assert.Equal("too_large", error.GetProperty("code").GetString());
        Assert.Equal("bad_frame", (await AnswerAsync(alice, new { type = "profile" }, "error")).GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_avatar_is_an_upload_cut_square_seen_by_every_signed_in_user_and_only_its_uploader_may_use_it()
    {
        var (alice, aliceToken) = await SignInAsync("alice_av");
        var (bob, bobToken) = await SignInAsync("bob_av");
        await using var _a = alice;
        await using var _b = bob;

        var upload = await UploadAsync(aliceToken, TestImages.Jpeg(900, 600));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var photo = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((512, 512), (photo.GetProperty("width").GetInt32(), photo.GetProperty("height").GetInt32()));
        var id = photo.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(aliceToken, TestImages.Jpeg(), "?purpose=banner")).StatusCode);

        // Before the profile names it, nobody but Alice sees it; Bob cannot take it as his.
        Assert.Equal(HttpStatusCode.NotFound, (await FetchAsync(bobToken, $"/api/attachments/{id}")).StatusCode);
        var taken = await AnswerAsync(bob, new { type = "profile", avatar = id }, "error");
        Assert.Equal(("forbidden", id), (taken.GetProperty("code").GetString(), taken.GetProperty("ref").GetString()));

        var profile = await AnswerAsync(alice, new { type = "profile", avatar = id }, "profile");
        var avatar = profile.GetProperty("avatar");
        Assert.Equal((id, $"/api/attachments/{id}", $"/api/attachments/{id}/thumbnail"),
            (avatar.GetProperty("id").GetString(), avatar.GetProperty("url").GetString(), avatar.GetProperty("thumbnailUrl").GetString()));
        // Bob shares no room with Alice and still sees her avatar (within moments of the answer), and its square thumbnail.
        var thumbnail = await Eventually.Value(() => FetchAsync(bobToken, avatar.GetProperty("thumbnailUrl").GetString()!),
            response => response.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10));
        Assert.Equal((128, 128), TestImages.SizeOf(await thumbnail.Content.ReadAsByteArrayAsync()));
        Assert.Equal(HttpStatusCode.OK, (await FetchAsync(bobToken, avatar.GetProperty("url").GetString()!)).StatusCode);

        // The avatar goes with the profile only, not with a message; naming it again changes nothing.
        await alice.JoinAsync("gallery");
        var send = await AnswerAsync(alice, new { type = "send", room = "gallery", id = "m1", text = "", attachment = id }, "error");
        Assert.Equal("forbidden", send.GetProperty("code").GetString());
        Assert.Equal(1, (await AnswerAsync(alice, new { type = "profile", avatar = id }, "profile")).GetProperty("rev").GetInt64());
        Assert.Equal(2, (await AnswerAsync(alice, new { type = "profile", avatar = (string?)null }, "profile")).GetProperty("rev").GetInt64());
        // Removed from the profile, the photo is Alice's alone again.
        await Eventually.True(async () => (await FetchAsync(bobToken, $"/api/attachments/{id}")).StatusCode == HttpStatusCode.NotFound,
            "the removed avatar no longer served to others", TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, (await FetchAsync(aliceToken, $"/api/attachments/{id}")).StatusCode);
    }
}
