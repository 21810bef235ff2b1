using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace ActorChat.Accounts;

/// <summary>
/// Who a valid token speaks for, and until when. <see cref="Session"/> names the sign-in the token came from: every
/// renewal keeps it, so revoking it ends every copy of that sign-in's tokens. <see cref="Generation"/> is the
/// account's sign-out-everywhere count when the session began.
/// </summary>
public sealed record AuthTicket(string User, DateTimeOffset ExpiresAt, string Session, DateTimeOffset SignedInAt, long Generation);

/// <summary>
/// Issues and checks signed bearer tokens (HMAC-SHA256). Any node holding the same key accepts the same
/// tokens; whether a session was revoked is the account's to say (<see cref="AccountActor"/>).
/// </summary>
public sealed class TokenService
{
    private readonly byte[] _key;
    private readonly TimeProvider _clock;

    public TokenService(byte[] key, TimeSpan lifetime, TimeSpan? maxSessionAge = null, TimeProvider? clock = null)
    {
        if (key.Length < 32)
            throw new ArgumentException("the signing key must be at least 32 bytes", nameof(key));
        _key = key;
        Lifetime = lifetime;
        MaxSessionAge = maxSessionAge ?? TimeSpan.FromDays(30);
        if (MaxSessionAge < lifetime)
            throw new ArgumentException("a session must be allowed to last at least one token's lifetime", nameof(maxSessionAge));
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>How long one token is valid.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>How long after the sign-in renewals may go on; past it the user signs in again.</summary>
    public TimeSpan MaxSessionAge { get; }

    /// <summary>The end of the ticket's session: no token of it is valid past this, however renewed.</summary>
    public DateTimeOffset SessionEnd(AuthTicket ticket) => ticket.SignedInAt + MaxSessionAge;

    /// <summary>
    /// The last moment a token of the ticket's session issued until now can be valid. Once the session is signed out
    /// no new token of it is issued, so that is how long the sign-out must be remembered.
    /// </summary>
    public DateTimeOffset LastExpiry(AuthTicket ticket)
    {
        var latest = _clock.GetUtcNow() + Lifetime;
        var end = SessionEnd(ticket);
        return latest < end ? latest : end;
    }

    /// <summary>A token for a new sign-in of <paramref name="user"/>, whose account is at <paramref name="generation"/>.</summary>
    public (string Token, AuthTicket Ticket) Issue(string user, long generation = 0)
    {
        var now = Truncate(_clock.GetUtcNow());
        return Sign(new AuthTicket(user, now + Lifetime, RandomNumberGenerator.GetHexString(32, lowercase: true), now, generation));
    }

    /// <summary>
    /// A fresh token of the same session: the same sign-in time and generation, valid for another lifetime but never
    /// past the session's maximum age. Null once that age is reached.
    /// </summary>
    public (string Token, AuthTicket Ticket)? Renew(AuthTicket ticket)
    {
        var now = Truncate(_clock.GetUtcNow());
        var end = SessionEnd(ticket);
        if (now >= end)
            return null;
        var expiresAt = now + Lifetime < end ? now + Lifetime : end;
        return Sign(ticket with { ExpiresAt = expiresAt });
    }

    /// <summary>The ticket of a well-signed, unexpired token of a session younger than the maximum age; null for anything else.</summary>
    public AuthTicket? Validate(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1024)
            return null;
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
            return null;
        var body = token[..dot];
        var expected = System.Text.Encoding.ASCII.GetBytes(Mac(body));
        var actual = System.Text.Encoding.ASCII.GetBytes(token[(dot + 1)..]);
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
            return null;

        TokenPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(body), TokenJsonContext.Default.TokenPayload);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
        // A token without a session is from before sessions could be revoked: refused, so that every token in use
        // can be. Fields signed by us but unreadable as times (only a stolen key could make one) are refused too.
        if (payload is null || string.IsNullOrEmpty(payload.Sub) || string.IsNullOrEmpty(payload.Sid) || payload.Gen < 0
            || !IsTime(payload.Exp) || !IsTime(payload.Auth))
            return null;
        var ticket = new AuthTicket(payload.Sub, DateTimeOffset.FromUnixTimeMilliseconds(payload.Exp), payload.Sid,
            DateTimeOffset.FromUnixTimeMilliseconds(payload.Auth), payload.Gen);
        var now = _clock.GetUtcNow();
        return ticket.ExpiresAt > now && SessionEnd(ticket) > now ? ticket : null;
    }

    private static bool IsTime(long unixMilliseconds) =>
        unixMilliseconds > 0 && unixMilliseconds <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() - TimeSpan.FromDays(36500).TotalMilliseconds;

    // Tokens carry milliseconds: the ticket handed out says exactly what the token says.
    private static DateTimeOffset Truncate(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private (string Token, AuthTicket Ticket) Sign(AuthTicket ticket)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(
            new TokenPayload(ticket.User, ticket.ExpiresAt.ToUnixTimeMilliseconds(), RandomNumberGenerator.GetHexString(16),
                ticket.Session, ticket.SignedInAt.ToUnixTimeMilliseconds(), ticket.Generation),
            TokenJsonContext.Default.TokenPayload);
        var body = Base64Url.EncodeToString(payload);
        return ($"{body}.{Mac(body)}", ticket);
    }

    private string Mac(string body) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(_key, System.Text.Encoding.ASCII.GetBytes(body)));
}

/// <summary>A token's signed body: subject, expiry, a nonce of its own, its session, the sign-in time and the account's generation.</summary>
internal sealed record TokenPayload(string Sub, long Exp, string Nonce, string? Sid, long Auth, long Gen);

[System.Text.Json.Serialization.JsonSerializable(typeof(TokenPayload))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class TokenJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
