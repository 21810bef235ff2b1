using ActorChat.Accounts;
using Microsoft.Extensions.Primitives;

namespace ActorChat.Host.Auth;

/// <summary>Reads who a request speaks for: a bearer header, the access_token query parameter, or the auth cookie.</summary>
public static class Credentials
{
    public static AuthTicket? Authenticate(HttpContext context, TokenService tokens)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return tokens.Validate(header["Bearer ".Length..].Trim());
        if (context.Request.Query.TryGetValue("access_token", out var query) && !StringValues.IsNullOrEmpty(query))
            return tokens.Validate(query.ToString());
        return context.Request.Cookies.TryGetValue(AuthSettings.CookieName, out var cookie) ? tokens.Validate(cookie) : null;
    }

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
