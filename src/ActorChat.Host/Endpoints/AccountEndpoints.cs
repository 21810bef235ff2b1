using System.Text.Json;
using ActorChat.Accounts;
using ActorChat.Host.Auth;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Options;

namespace ActorChat.Host.Endpoints;

/// <summary>Register, log in, log out, and the session check the page makes at start.</summary>
public static class AccountEndpoints
{
    public const string LoginRateLimit = "login";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private sealed record AccountRequest(string? Username, string? Password);

    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // An account lives on one node; while that node is lost and before the cluster moves it, asks time out.
        var api = app.MapGroup("/api");
        api.AddEndpointFilter(async (context, next) =>
        {
            // Answers carry tokens and session state: no cache, shared or private, may keep them.
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            context.HttpContext.Response.Headers.Pragma = "no-cache";
            try
            {
                return await next(context);
            }
            catch (AskTimeoutException)
            {
                return Error(503, "unavailable");
            }
        });
        // Both run a deliberately slow password hash, so both are limited per client address.
        api.MapPost("/register", RegisterAsync).RequireRateLimiting(LoginRateLimit);
        api.MapPost("/login", LoginAsync).RequireRateLimiting(LoginRateLimit);
        api.MapPost("/logout", LogoutAsync);
        api.MapPost("/logout-everywhere", LogoutEverywhereAsync);
        api.MapGet("/session", SessionAsync);
    }

    private static async Task<IResult> RegisterAsync(HttpContext context, IRequiredActor<AccountActor> accounts, IOptions<AuthSettings> auth,
        RegistrationLimiter registrations, PasswordHasher hasher)
    {
        var request = await ReadAsync(context);
        if (request is null)
            return Error(400, "bad_request");
        if (!Usernames.IsValid(request.Username))
            return Error(400, "invalid_username");
        if (!Usernames.IsStrongEnough(request.Password))
            return Error(400, "weak_password");
        if (request.Password!.Length > auth.Value.MaxPasswordLength)
            return Error(400, "password_too_long");
        if (!registrations.TryRegister(context))
            return Error(429, "too_many_registrations");

        var hash = hasher.Hash(request.Password!);
        var answer = await accounts.ActorRef.Ask<object>(new Register(request.Username!, hash), AskTimeout, context.RequestAborted);
        return answer switch
        {
            Registered registered => Results.Json(new { username = registered.Username }, statusCode: 201),
            _ => Error(409, "username_taken"),
        };
    }

    private static async Task<IResult> LoginAsync(HttpContext context, IRequiredActor<AccountActor> accounts, TokenService tokens, IOptions<AuthSettings> auth,
        PasswordHasher hasher)
    {
        var request = await ReadAsync(context);
        if (request is null)
            return Error(400, "bad_request");
        // No account has a password this long: refused without spending a hash on it.
        if (request.Password?.Length > auth.Value.MaxPasswordLength)
            return Error(401, "invalid_credentials");
        if (!Usernames.IsValid(request.Username) || request.Password is null)
        {
            PasswordHasher.Verify(request.Password ?? "", hasher.Decoy);
            return Error(401, "invalid_credentials");
        }

        var account = await accounts.ActorRef.Ask<AccountCredentials>(
            new GetCredentials(request.Username!), AskTimeout, context.RequestAborted);
        // Verify against a decoy when there is no such account, so the answer takes as long either way.
        var valid = PasswordHasher.Verify(request.Password, account.PasswordHash ?? hasher.Decoy);
        if (!valid || account.Username is null)
            return Error(401, "invalid_credentials");
        // Said only to whoever knows the password: a suspension is no one else's business.
        if (account.Suspension is { Suspended: true } suspension)
        {
            return Results.Json(new
            {
                error = "account_suspended",
                reason = suspension.Reason.Length > 0 ? suspension.Reason : null,
                until = suspension.Until is { } until ? Protocol.ServerFrames.FormatTimestamp(until) : null,
            }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }, statusCode: 403);
        }

        var (token, ticket) = tokens.Issue(account.Username, account.Generation);
        Credentials.SetCookie(context, token, ticket.ExpiresAt);
        return Results.Json(new { token, username = ticket.User, expiresAt = Protocol.ServerFrames.FormatTimestamp(ticket.ExpiresAt) });
    }

    /// <summary>
    /// Only the holder of a credential, from a page the server trusts, signs it out: its session (the sign-in and
    /// every renewal of it) is refused from now on, on every node, and its open sockets close with 1008.
    /// </summary>
    private static async Task<IResult> LogoutAsync(HttpContext context, TokenService tokens, SessionGuard sessions, IOptions<AuthSettings> auth)
    {
        if (!Credentials.IsAllowedOrigin(context, auth.Value))
            return Error(403, "forbidden");
        var ticket = Credentials.Authenticate(context, tokens);
        if (ticket is null)
            return Error(401, "invalid_credentials");
        await sessions.RevokeAsync(ticket, tokens.LastExpiry(ticket), context.RequestAborted);
        Credentials.ClearCookie(context);
        return Results.NoContent();
    }

    /// <summary>Signs out every session of the account begun so far, this one included, on every device.</summary>
    private static async Task<IResult> LogoutEverywhereAsync(HttpContext context, TokenService tokens, SessionGuard sessions, IOptions<AuthSettings> auth)
    {
        if (!Credentials.IsAllowedOrigin(context, auth.Value))
            return Error(403, "forbidden");
        var ticket = Credentials.Authenticate(context, tokens);
        if (ticket is null || await sessions.CheckAsync(ticket, context.RequestAborted) == SessionStatus.SignedOut)
            return Error(401, "invalid_credentials");
        await sessions.RevokeAllAsync(ticket.User, context.RequestAborted);
        Credentials.ClearCookie(context);
        return Results.NoContent();
    }

    /// <summary>
    /// Who the cookie (or bearer token) belongs to, with a fresh token of the same session for the WebSocket and
    /// for <c>refresh</c>: never valid past the session's maximum age, and never for a session signed out.
    /// </summary>
    private static async Task<IResult> SessionAsync(HttpContext context, TokenService tokens, SessionGuard sessions)
    {
        var ticket = Credentials.Authenticate(context, tokens);
        if (ticket is null)
            return Error(401, "invalid_credentials");
        var status = await sessions.CheckAsync(ticket, context.RequestAborted);
        if (status == SessionStatus.Unknown)
            return Error(503, "unavailable");
        if (status == SessionStatus.SignedOut || tokens.Renew(ticket) is not var (token, fresh))
        {
            Credentials.ClearCookie(context);
            return Error(401, "invalid_credentials");
        }
        Credentials.SetCookie(context, token, fresh.ExpiresAt);
        return Results.Json(new { token, username = fresh.User, expiresAt = Protocol.ServerFrames.FormatTimestamp(fresh.ExpiresAt) });
    }

    /// <summary>An account request is a name and a password: a body past this is refused before it is read.</summary>
    private const long MaxBodyBytes = 16 * 1024;

    private static async Task<AccountRequest?> ReadAsync(HttpContext context)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxBodyBytes;
        try
        {
            return await context.Request.ReadFromJsonAsync<AccountRequest>(context.RequestAborted);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return null;
        }
    }

    private static IResult Error(int status, string code) => Results.Json(new { error = code }, statusCode: status);
}
