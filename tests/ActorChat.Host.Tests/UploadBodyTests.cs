using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

/// <summary>How an upload's body is read: malformed bodies are told apart from large ones, and nothing of it is buffered on disk.</summary>
public sealed class UploadBodyTests : ServerTest
{
    private async Task<HttpResponseMessage> PostAsync(string token, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/attachments") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Server.Http.SendAsync(request);
    }

    private static async Task<(HttpStatusCode, string)> AnswerOf(HttpResponseMessage response) =>
        (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!);

    [Theory]
    [InlineData("--cut\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nno closing boundary")]
    [InlineData("not multipart at all")]
    [InlineData("--cut\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nno photo here\r\n--cut--\r\n")]
    public async Task A_malformed_multipart_body_is_a_bad_request_not_too_large(string body)
    {
        var token = await Server.RegisterAndLoginAsync("form_fan");
        var content = new StringContent(body, Encoding.ASCII);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cut");

        Assert.Equal((HttpStatusCode.BadRequest, "bad_request"), await AnswerOf(await PostAsync(token, content)));
    }

    [Fact]
    public async Task An_upload_in_progress_leaves_no_file_in_the_systems_temporary_folder()
    {
        var token = await Server.RegisterAndLoginAsync("slow_sender");
        var before = Buffered().ToHashSet();
        var stalled = new StalledBody(TestImages.Jpeg(), stallAfter: 400 * 1024);
        var upload = PostAsync(token, stalled.Content);
        await stalled.Stalled.WaitAsync(TimeSpan.FromSeconds(30));

        // The server has had the first 400 KiB: a form reader that buffers to disk has a file there by now.
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < deadline)
        {
            Assert.Empty(Buffered().Except(before));
            await Task.Delay(100);
        }
        stalled.Resume();
        Assert.Equal(HttpStatusCode.BadRequest, (await upload).StatusCode);
    }

    [Fact]
    public async Task Photo_files_left_half_written_by_a_killed_process_are_removed_at_start_up()
    {
        var folder = Path.Combine(Server.DataDirectory, "attachments", "ab");
        Directory.CreateDirectory(folder);
        var leftover = Path.Combine(folder, "ab0123456789abcdef0123456789abcd.part");
        await File.WriteAllBytesAsync(leftover, TestImages.Jpeg());

        await RestartAsync();

        await Eventually.True(() => !File.Exists(leftover), "the half-written file is removed at start-up", TimeSpan.FromSeconds(10));
    }

    // ASP.NET Core's own buffer files for request bodies.
    private static IEnumerable<string> Buffered() =>
        Directory.EnumerateFiles(Environment.GetEnvironmentVariable("ASPNETCORE_TEMP") ?? Path.GetTempPath(), "ASPNETCORE_*.tmp");

    /// <summary>A multipart body whose file part stops after some bytes until resumed, then ends without its closing boundary.</summary>
    private sealed class StalledBody
    {
        private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public StalledBody(byte[] image, int stallAfter)
        {
            var head = Encoding.ASCII.GetBytes("--cut\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n");
            var padding = new byte[stallAfter];
            image.CopyTo(padding, 0);
            Content = new PushContent(async stream =>
            {
                await stream.WriteAsync(head);
                await stream.WriteAsync(padding);
                await stream.FlushAsync();
                _stalled.TrySetResult();
                await _resume.Task;
            });
            Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cut");
        }

        public HttpContent Content { get; }

        public Task Stalled => _stalled.Task;

        public void Resume() => _resume.TrySetResult();
    }

    private sealed class PushContent(Func<Stream, Task> write) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => write(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
