using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>Many uploads of one user at once: they cannot pass the quota together, nor keep other users' uploads waiting.</summary>
public sealed class UploadFairnessTests
{
    private static async Task<HttpResponseMessage> UploadAsync(ChatServer server, string token, byte[] bytes)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(bytes), "file", "photo.png");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/attachments") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await server.Http.SendAsync(request);
    }

    private static async Task<JsonElement> BodyOf(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task Parallel_uploads_of_one_user_together_stay_within_the_quota()
    {
        // Room for all fifteen in flight: only the quota stands in their way.
        await using var server = await ChatServer.StartAsync(null, "ActorChat:Attachments:QuotaBytesPerUser=6000000",
            "ActorChat:Attachments:UploadsInFlightPerUser=20");
        var token = await server.RegisterAndLoginAsync("hoarder");
        var noisy = TestImages.Noise(640, 640);

        var answers = await Task.WhenAll(Enumerable.Range(0, 15).Select(_ => UploadAsync(server, token, noisy)));

        var taken = answers.Where(a => a.StatusCode == HttpStatusCode.Created).ToList();
        var stored = 0L;
        foreach (var answer in taken)
            stored += (await BodyOf(answer)).GetProperty("size").GetInt64();
        Assert.InRange(taken.Count, 1, 5);
        Assert.InRange(stored, 1, 6_000_000);
        foreach (var refused in answers.Except(taken))
            Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "quota_exceeded"), (refused.StatusCode, (await BodyOf(refused)).GetProperty("error").GetString()));
    }

    [Fact]
    public async Task One_user_uploading_many_large_images_at_once_is_told_to_slow_down_and_another_users_upload_goes_through()
    {
        await using var server = await ChatServer.StartAsync(null, "ActorChat:Attachments:MaxConcurrentDecodes=1");
        var mallory = await server.RegisterAndLoginAsync("mallory");
        var bob = await server.RegisterAndLoginAsync("bob");
        var large = TestImages.Jpeg(4000, 4000);

        var flood = Enumerable.Range(0, 6).Select(_ => UploadAsync(server, mallory, large)).ToList();
        var own = await UploadAsync(server, bob, TestImages.Jpeg());
        var answers = await Task.WhenAll(flood);

        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(refused.Count, 1, 4);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.TooManyRequests }));
        Assert.Equal("rate_limited", (await BodyOf(refused[0])).GetProperty("error").GetString());
        Assert.NotNull(refused[0].Headers.RetryAfter);
    }

    [Fact]
    public async Task A_large_image_costs_its_pixels_so_the_next_large_one_waits_for_the_budget_while_small_ones_and_other_users_go_through()
    {
        // A budget of one large image a minute.
        await using var server = await ChatServer.StartAsync(null, "ActorChat:Attachments:MaxPixels=4000000",
            "ActorChat:Attachments:DecodePixelsPerUserPerMinute=4000000", "ActorChat:Attachments:DecodeWait=00:00:02");
        var mallory = await server.RegisterAndLoginAsync("mallory");
        var bob = await server.RegisterAndLoginAsync("bob");
        var large = TestImages.Jpeg(1900, 1900);

        var first = await UploadAsync(server, mallory, large);
        var second = await UploadAsync(server, mallory, large);
        var small = await UploadAsync(server, mallory, TestImages.Jpeg());
        var others = await UploadAsync(server, bob, large);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limited"), (second.StatusCode, (await BodyOf(second)).GetProperty("error").GetString()));
        // What the first took comes back over the minute: about 54 s until the second fits.
        Assert.InRange(second.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.Created, small.StatusCode);
        Assert.Equal(HttpStatusCode.Created, others.StatusCode);
    }
}
