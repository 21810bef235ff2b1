using ActorChat.Accounts;

namespace ActorChat.Host.Auth;

/// <summary>Reads who a request speaks for: a bearer header, the access_token query parameter, or the auth cookie.</summary>
public static class Credentials
{
    public static AuthTicket? Authenticate(HttpContext context, TokenService tokens)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return tokens.Validate(header["Bearer ".Length..].Trim());
        if (QueryToken(context.Request.QueryString) is { Length: > 0 } query)
            return tokens.Validate(query);
        return context.Request.Cookies.TryGetValue(AuthSettings.CookieName, out var cookie) ? tokens.Validate(cookie) : null;
    }

    /// <summary>
    /// The <c>access_token</c> parameter of <paramref name="query"/>, read as <c>Request.Query</c> reads it (name in
    /// any case, <c>+</c> and percent escapes decoded, repeated values joined by commas), without the parsed query
    /// that <c>Request.Query</c> keeps for the life of the request: a socket's request lives as long as the socket,
    /// and the decoded token is the longest string it would keep.
    /// </summary>
    public static string? QueryToken(QueryString query)
    {
        var rest = query.HasValue ? query.Value.AsSpan(1) : [];
        string? token = null;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf('&');
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            if (!Decode(name).Equals(AccessToken, StringComparison.OrdinalIgnoreCase))
                continue;
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
            token = token is null ? value : token + "," + value;
        }
        return token;
    }

    private const string AccessToken = "access_token";

    private static string Decode(ReadOnlySpan<char> text) =>
        text.IndexOfAny('%', '+') < 0 ? text.ToString() : Uri.UnescapeDataString(text.ToString().Replace('+', ' '));

    /// <summary>
    /// True when a browser may open a socket from this page: no Origin (not a browser), the server's own
    /// scheme://host:port, or a configured origin.
    /// </summary>
    public static bool IsAllowedOrigin(HttpContext context, AuthSettings auth)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
            return true;
        var request = context.Request;
        var own = $"{(request.IsHttps ? "https" : "http")}://{request.Host.Value}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            || auth.AllowedOrigins.Any(allowed => string.Equals(origin, allowed.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Sets the HttpOnly cookie that carries the token, and beside it a readable one that carries nothing but tells
    /// the page that a session may exist, so that a signed-out page does not ask (and log a 401).
    /// </summary>
    public static void SetCookie(HttpContext context, string token, DateTimeOffset expiresAt)
    {
        context.Response.Cookies.Append(AuthSettings.CookieName, token, Options(context, httpOnly: true, expiresAt));
        context.Response.Cookies.Append(AuthSettings.SignedInCookieName, "1", Options(context, httpOnly: false, expiresAt));
    }

    public static void ClearCookie(HttpContext context)
    {
        context.Response.Cookies.Delete(AuthSettings.CookieName, Options(context, httpOnly: true, expiresAt: null));
        context.Response.Cookies.Delete(AuthSettings.SignedInCookieName, Options(context, httpOnly: false, expiresAt: null));
    }

    private static CookieOptions Options(HttpContext context, bool httpOnly, DateTimeOffset? expiresAt) => new()
    {
        HttpOnly = httpOnly,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expiresAt,
    };
}
