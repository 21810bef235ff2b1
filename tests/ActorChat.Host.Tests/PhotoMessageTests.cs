using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>Photos in messages over real sockets: who may attach one, who may see it, and in which order it arrives.</summary>
public sealed class PhotoMessageTests : ServerTest
{
    private async Task<(ChatClient Client, string Token)> SignInAsync(string user)
    {
        var token = await Server.RegisterAndLoginAsync(user);
        var client = await ChatClient.ConnectAsync(Server.SocketAddress, token);
        await client.ExpectAsync("welcome");
        return (client, token);
    }

    private async Task<string> UploadAsync(string token, byte[] image)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(image), "file", "photo.jpg");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/attachments") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<HttpStatusCode> FetchAsync(string token, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await Server.Http.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Two_users_trade_a_photo_and_a_text_sent_after_it_arrives_after_it()
    {
        var (alice, aliceToken) = await SignInAsync("alice");
        var (bob, bobToken) = await SignInAsync("bob");
        var (_, carolToken) = await SignInAsync("carol");
        await using var _a = alice;
        await using var _b = bob;
        await alice.JoinAsync("garden");
        await bob.JoinAsync("garden");
        await alice.ExpectAsync("presence");
        var id = await UploadAsync(aliceToken, TestImages.Jpeg(300, 200));

        await alice.SendAsync(new { type = "send", room = "garden", id = "p1", text = "", attachment = id });
        await alice.SendAsync(new { type = "send", room = "garden", id = "p2", text = "look at the roses" });

        Assert.Equal(1, (await alice.ExpectAsync("ack")).GetProperty("seq").GetInt64());
        Assert.Equal(2, (await alice.ExpectAsync("ack")).GetProperty("seq").GetInt64());
        var photo = await bob.ExpectAsync("message");
        var attachment = photo.GetProperty("attachment");
        Assert.Equal((id, $"/api/attachments/{id}", "image/jpeg", 300, 200, $"/api/attachments/{id}/thumbnail"),
            (attachment.GetProperty("id").GetString(), attachment.GetProperty("url").GetString(), attachment.GetProperty("contentType").GetString(),
             attachment.GetProperty("width").GetInt32(), attachment.GetProperty("height").GetInt32(), attachment.GetProperty("thumbnailUrl").GetString()));
        Assert.Equal("look at the roses", (await bob.ExpectAsync("message")).GetProperty("text").GetString());
        // A public room's photo is for any signed-in user.
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(bobToken, attachment.GetProperty("url").GetString()!));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(carolToken, attachment.GetProperty("thumbnailUrl").GetString()!));

        // Bob shares one back.
        var back = await UploadAsync(bobToken, TestImages.Png(120, 80));
        await bob.SendAsync(new { type = "send", room = "garden", id = "b1", text = "mine", attachment = back });
        await bob.ExpectAsync("ack");
        Assert.Equal(back, (await alice.ExpectAsync("message")).GetProperty("attachment").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Only_the_uploader_attaches_a_photo_and_to_one_message_only_while_a_retry_of_it_is_acked_again()
    {
        var (alice, aliceToken) = await SignInAsync("alice");
        var (bob, _) = await SignInAsync("bob");
        await using var _a = alice;
        await using var _b = bob;
        await alice.JoinAsync("garden");
        await bob.JoinAsync("garden");
        await alice.ExpectAsync("presence");
        var id = await UploadAsync(aliceToken, TestImages.Jpeg());

        await bob.SendAsync(new { type = "send", room = "garden", id = "b1", text = "mine now", attachment = id });
        var stolen = await bob.ExpectAsync("error");
        Assert.Equal(("forbidden", "b1"), (stolen.GetProperty("code").GetString(), stolen.GetProperty("ref").GetString()));

        await alice.SendAsync(new { type = "send", room = "garden", id = "a1", text = "first", attachment = id });
        Assert.Equal(1, (await alice.ExpectAsync("ack")).GetProperty("seq").GetInt64());
        await alice.SendAsync(new { type = "send", room = "garden", id = "a1", text = "first", attachment = id });
        Assert.Equal(1, (await alice.ExpectAsync("ack")).GetProperty("seq").GetInt64());
        await alice.SendAsync(new { type = "send", room = "garden", id = "a2", text = "again", attachment = id });
        Assert.Equal("forbidden", (await alice.ExpectAsync("error")).GetProperty("code").GetString());
        await alice.SendAsync(new { type = "send", room = "garden", id = "a3", text = "x", attachment = "not-an-id" });
        Assert.Equal("bad_frame", (await alice.ExpectAsync("error")).GetProperty("code").GetString());
        Assert.Equal("first", (await bob.ExpectAsync("message")).GetProperty("text").GetString());
        await bob.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task A_photo_in_a_private_room_or_a_direct_conversation_is_for_its_members_only_and_not_for_one_removed()
    {
        var (alice, aliceToken) = await SignInAsync("alice");
        var (bob, bobToken) = await SignInAsync("bob");
        var (_, carolToken) = await SignInAsync("carol");
        await using var _a = alice;
        await using var _b = bob;
        await alice.SendAsync(new { type = "create", room = "family", @private = true });
        await alice.ExpectAsync("joined");
        await alice.SendAsync(new { type = "invite", room = "family", user = "bob" });
        await alice.ExpectAsync("member");
        var id = await UploadAsync(aliceToken, TestImages.Jpeg());
        await alice.SendAsync(new { type = "send", room = "family", id = "f1", text = "the baby!", attachment = id });
        await alice.ExpectAsync("ack");
        var url = $"/api/attachments/{id}";

        Assert.Equal(HttpStatusCode.OK, await FetchAsync(bobToken, url));
        Assert.Equal(HttpStatusCode.Forbidden, await FetchAsync(carolToken, url));
        Assert.Equal(HttpStatusCode.Forbidden, await FetchAsync(carolToken, url + "/thumbnail"));
        await alice.SendAsync(new { type = "remove", room = "family", user = "bob" });
        await alice.ExpectAsync("member");
        Assert.Equal(HttpStatusCode.Forbidden, await FetchAsync(bobToken, url));

        await alice.SendAsync(new { type = "dm", user = "bob" });
        await alice.ExpectAsync("joined");
        var secret = await UploadAsync(aliceToken, TestImages.Png());
        await alice.SendAsync(new { type = "send", room = "dm:alice:bob", id = "d1", text = "", attachment = secret });
        await alice.ExpectAsync("ack");
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(bobToken, $"/api/attachments/{secret}"));
        Assert.Equal(HttpStatusCode.Forbidden, await FetchAsync(carolToken, $"/api/attachments/{secret}"));
    }

    [Fact]
    public async Task A_deleted_message_takes_its_photo_with_it()
    {
        // A mixed-case name: the photo is owned by the account, the message by the name as shown.
        var (alice, aliceToken) = await SignInAsync("Alice");
        var (bob, bobToken) = await SignInAsync("bob");
        await using var _a = alice;
        await using var _b = bob;
        await alice.JoinAsync("garden");
        await bob.JoinAsync("garden");
        await alice.ExpectAsync("presence");
        var id = await UploadAsync(aliceToken, TestImages.Jpeg());
        await alice.SendAsync(new { type = "send", room = "garden", id = "p1", text = "oops, wrong photo", attachment = id });
        await alice.ExpectAsync("ack");
        await bob.ExpectAsync("message");
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(bobToken, $"/api/attachments/{id}"));

        await alice.SendAsync(new { type = "delete", room = "garden", id = "d1", seq = 1 });
        await alice.ExpectSkippingAsync("ack", "deleted");

        // From the ack on, nobody but its uploader is served the photo: not a moment later.
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(bobToken, $"/api/attachments/{id}"));
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(bobToken, $"/api/attachments/{id}/thumbnail"));
        await bob.ExpectAsync("deleted");
        await using var carol = await Server.ConnectAsync("carol");
        var joined = await carol.JoinAsync("garden");
        Assert.False(joined.GetProperty("messages")[0].TryGetProperty("attachment", out _));
    }

    [Fact]
    public async Task Another_members_delete_of_a_message_with_the_same_client_id_leaves_the_photo_alone_also_after_a_restart()
    {
        var (alice, aliceToken) = await SignInAsync("Alice");
        var (mallory, _) = await SignInAsync("mallory");
        var (bob, bobToken) = await SignInAsync("bob");
        await using (alice)
        await using (mallory)
        await using (bob)
        {
            await alice.JoinAsync("garden");
            await mallory.JoinAsync("garden");
            await bob.JoinAsync("garden");
            var id = await UploadAsync(aliceToken, TestImages.Jpeg());
            await alice.SendAsync(new { type = "send", room = "garden", id = "holiday-1", text = "the beach", attachment = id });
            await alice.ExpectSkippingAsync("ack", "presence");
            // Client ids are in every message frame and unique only per user: Mallory reuses Alice's, then deletes her own message.
            Assert.Equal("holiday-1", (await mallory.ExpectSkippingAsync("message", "presence")).GetProperty("id").GetString());
            await mallory.SendAsync(new { type = "send", room = "garden", id = "holiday-1", text = "mine now" });
            Assert.Equal(2, (await mallory.ExpectAsync("ack")).GetProperty("seq").GetInt64());
            await mallory.SendAsync(new { type = "delete", room = "garden", id = "d1", seq = 2 });
            await mallory.ExpectAsync("ack");
            Assert.Equal(2, (await bob.ExpectSkippingAsync("deleted", "message")).GetProperty("seq").GetInt64());
        }

        // The restart writes out what the rooms hold and sweeps the photos no message keeps.
        await RestartAsync();

        var token = await Server.LoginAsync("bob");
        var photo = $"/api/attachments/{(await PhotoOfFirstMessageAsync(token)).GetProperty("id").GetString()}";
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(token, photo));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(token, photo + "/thumbnail"));
    }

    private async Task<JsonElement> PhotoOfFirstMessageAsync(string token)
    {
        await using var client = await ChatClient.ConnectAsync(Server.SocketAddress, token);
        await client.ExpectAsync("welcome");
        var messages = (await client.JoinAsync("garden")).GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        return messages[0].GetProperty("attachment");
    }
}
