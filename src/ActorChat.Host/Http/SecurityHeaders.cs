namespace ActorChat.Host.Http;

/// <summary>The headers every answer carries, so that the page runs only its own code, in no one else's frame.</summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Scripts, styles, fonts and connections (the socket included) only from the server itself; images also from
    /// <c>blob:</c> URLs, for previews of photos about to be sent; no plugins, no frames around the page, no
    /// <c>&lt;base&gt;</c> that would redirect relative URLs.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    });
}
