using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class AccountApiTests : ServerTest
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object body)
    {
        var response = await Server.Http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Registering_returns_the_name_as_registered_and_refuses_it_again_in_any_case()
    {
        var (status, body) = await PostAsync("/api/register", new { username = "Zoe.M-1", password = "long enough" });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("Zoe.M-1", body.GetProperty("username").GetString());

        (status, body) = await PostAsync("/api/register", new { username = "zoe.m-1", password = "other password" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("username_taken", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("ab", "long enough", "invalid_username")]
    [InlineData("has space", "long enough", "invalid_username")]
    [InlineData("ThirtyThreeCharactersLongName_xyz", "long enough", "invalid_username")]
    [InlineData("validname", "short", "weak_password")]
    public async Task Registering_with_a_bad_name_or_weak_password_is_refused_precisely(string username, string password, string error)
    {
        var (status, body) = await PostAsync("/api/register", new { username, password });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(error, body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Answers_that_carry_a_token_tell_every_cache_not_to_store_them()
    {
        await Server.RegisterAndLoginAsync("cached_cat");
        var login = await Server.Http.PostAsJsonAsync("/api/login", new { username = "cached_cat", password = "correct horse" });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/session");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var session = await Server.Http.SendAsync(request);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (login.StatusCode, session.StatusCode));
        Assert.All(new[] { login, session }, response => Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage?.RequestUri}: {response.Headers.CacheControl}"));
    }

    [Fact]
    public async Task Login_in_any_case_returns_a_token_and_sets_an_http_only_strict_cookie()
    {
        await PostAsync("/api/register", new { username = "Walter", password = "long enough" });

        var response = await Server.Http.PostAsJsonAsync("/api/login", new { username = "walter", password = "long enough" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Walter", body.GetProperty("username").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("token").GetString()));
        Assert.True(DateTimeOffset.Parse(body.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddHours(23));
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        var cookie = Assert.Single(cookies, c => c.StartsWith("actorchat_auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        // Beside it, one the page can read that carries no secret: only that a session may exist.
        var hint = Assert.Single(cookies, c => c.StartsWith("actorchat_signed_in=", StringComparison.Ordinal));
        Assert.StartsWith("actorchat_signed_in=1;", hint, StringComparison.Ordinal);
        Assert.DoesNotContain("httponly", hint, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_with_a_wrong_password_or_unknown_name_is_invalid_credentials()
    {
        await PostAsync("/api/register", new { username = "xavier", password = "long enough" });

        var (wrong, body) = await PostAsync("/api/login", new { username = "xavier", password = "not it at all" });
        var (unknown, _) = await PostAsync("/api/login", new { username = "nobody_here", password = "long enough" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal("invalid_credentials", body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, unknown);
    }

    [Fact]
    public async Task A_request_body_that_is_not_json_is_a_bad_request()
    {
        foreach (var path in new[] { "/api/register", "/api/login" })
        {
            using var body = new StringContent("{username: nope", System.Text.Encoding.UTF8, "application/json");
            var response = await Server.Http.PostAsync(path, body);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("bad_request", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }
    }

    private async Task<HttpResponseMessage> LogoutAsync(string? token, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/logout");
        if (token is not null)
            request.Headers.Add("Cookie", "actorchat_auth=" + token);
        if (origin is not null)
            request.Headers.Add("Origin", origin);
        return await Server.Http.SendAsync(request);
    }

    [Fact]
    public async Task Logout_from_the_page_with_its_cookie_clears_the_cookie()
    {
        var token = await Server.RegisterAndLoginAsync("leaving");

        var response = await LogoutAsync(token, $"http://{Server.Address.Authority}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Equal(2, cookies.Count);
        foreach (var name in new[] { "actorchat_auth", "actorchat_signed_in" })
        {
            var cookie = Assert.Single(cookies, c => c.StartsWith(name + "=;", StringComparison.Ordinal));
            Assert.Contains("expires=Thu, 01 Jan 1970", cookie, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Logout_needs_a_credential_and_refuses_a_foreign_page()
    {
        var token = await Server.RegisterAndLoginAsync("staying");

        var anonymous = await LogoutAsync(null, $"http://{Server.Address.Authority}");
        var foreign = await LogoutAsync(token, "http://evil.example");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.False(anonymous.Headers.Contains("Set-Cookie"));
        Assert.False(foreign.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_well_signed_token_whose_expiry_is_no_time_at_all_is_refused_with_401()
    {
        await using var server = await ChatServer.StartAsync(null, "ActorChat:Auth:SigningKey=" + SigningKey);
        foreach (var exp in new[] { long.MaxValue, long.MinValue, 0L, 253_402_300_800_000L })
        {
            // Well formed in every other field, so that only the expiry is wrong.
            var auth = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var body = System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new { sub = "mallory", exp, nonce = "00", sid = "s", auth, gen = 0 }));
            var signature = System.Buffers.Text.Base64Url.EncodeToString(
                System.Security.Cryptography.HMACSHA256.HashData(Convert.FromBase64String(SigningKey), System.Text.Encoding.ASCII.GetBytes(body)));
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/session");
            request.Headers.Add("Authorization", $"Bearer {body}.{signature}");

            var response = await server.Http.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"exp {exp}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task Passwords_longer_than_the_limit_are_refused_and_oversized_bodies_are_not_read()
    {
        var tooLong = new string('p', 257);

        var register = await PostAsync("/api/register", new { username = "verbose", password = tooLong });
        var login = await PostAsync("/api/login", new { username = "verbose", password = tooLong });
        var huge = await PostAsync("/api/login", new { username = "verbose", password = new string('p', 100_000) });
        var longest = await PostAsync("/api/register", new { username = "verbose", password = new string('p', 256) });

        Assert.Equal((HttpStatusCode.BadRequest, "password_too_long"), (register.Status, register.Body.GetProperty("error").GetString()));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_credentials"), (login.Status, login.Body.GetProperty("error").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "bad_request"), (huge.Status, huge.Body.GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.Created, longest.Status);
    }

    private static readonly string SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task The_session_endpoint_knows_the_cookie_and_refuses_without_one()
    {
        var token = await Server.RegisterAndLoginAsync("yvonne");
        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "/api/session");
        withCookie.Headers.Add("Cookie", "actorchat_auth=" + token);

        var session = await Server.Http.SendAsync(withCookie);
        var anonymous = await Server.Http.GetAsync("/api/session");

        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.Equal("yvonne", (await session.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("username").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}

public sealed class LoginRateLimitTests
{
    [Fact]
    public async Task Login_attempts_past_the_limit_are_answered_with_429()
    {
        await using var server = await ChatServer.StartAsync(null, "ActorChat:Auth:LoginAttemptsPerMinute=3");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            statuses.Add((await server.Http.PostAsJsonAsync("/api/login", new { username = "guess", password = "attempt " + i })).StatusCode);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }
}

public sealed class RegistrationLimitTests
{
    [Fact]
    public async Task An_address_that_registered_its_hourly_accounts_is_answered_429_with_retry_after_and_can_still_sign_in()
    {
        await using var server = await ChatServer.StartAsync(null, "ActorChat:Auth:RegistrationsPerHour=2");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 3; i++)
        {
            last = await server.Http.PostAsJsonAsync("/api/register", new { username = $"farmed{i}", password = "correct horse" });
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("too_many_registrations", (await last.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.InRange(int.Parse(last.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 3600);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.PostAsJsonAsync("/api/login", new { username = "farmed0", password = "correct horse" })).StatusCode);
    }
}
