using System.Net;
using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class PageHeadersTests : ServerTest
{
    [Theory]
    [InlineData("/")]
    [InlineData("/js/app.js")]
    [InlineData("/api/session")]
    public async Task Every_answer_forbids_foreign_code_framing_sniffing_and_referrers(string path)
    {
        var response = await Server.Http.GetAsync(path);

        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' blob:", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task Only_the_pages_own_files_are_served_not_the_notes_beside_them()
    {
        var page = await Server.Http.GetAsync("/");
        var notes = await Server.Http.GetAsync("/README.md");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notes.StatusCode);
    }
}
