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

    public static void SetCookie(HttpContext context, string token, DateTimeOffset expiresAt) =>
        context.Response.Cookies.Append(AuthSettings.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            Expires = expiresAt,
        });

    public static void ClearCookie(HttpContext context) =>
        context.Response.Cookies.Delete(AuthSettings.CookieName, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
        });
}
