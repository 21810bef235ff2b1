using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace ActorChat.Accounts;

/// <summary>Who a valid token speaks for, and until when.</summary>
public sealed record AuthTicket(string User, DateTimeOffset ExpiresAt);

/// <summary>
/// Issues and checks signed bearer tokens (HMAC-SHA256). Any node holding the same key accepts the same
/// tokens, so no session state is shared between nodes.
/// </summary>
public sealed class TokenService
{
    private readonly byte[] _key;
    private readonly TimeProvider _clock;

    public TokenService(byte[] key, TimeSpan lifetime, TimeProvider? clock = null)
    {
        if (key.Length < 32)
            throw new ArgumentException("the signing key must be at least 32 bytes", nameof(key));
        _key = key;
        Lifetime = lifetime;
        _clock = clock ?? TimeProvider.System;
    }

    public TimeSpan Lifetime { get; }

    public (string Token, AuthTicket Ticket) Issue(string user)
    {
        var expiresAt = _clock.GetUtcNow().Add(Lifetime);
        var payload = JsonSerializer.SerializeToUtf8Bytes(
            new TokenPayload(user, expiresAt.ToUnixTimeMilliseconds(), RandomNumberGenerator.GetHexString(16)),
            TokenJsonContext.Default.TokenPayload);
        var body = Base64Url.EncodeToString(payload);
        return ($"{body}.{Sign(body)}", new AuthTicket(user, DateTimeOffset.FromUnixTimeMilliseconds(expiresAt.ToUnixTimeMilliseconds())));
    }

    /// <summary>The ticket of a well-signed, unexpired token; null for anything else.</summary>
    public AuthTicket? Validate(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1024)
            return null;
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
            return null;
        var body = token[..dot];
        var expected = System.Text.Encoding.ASCII.GetBytes(Sign(body));
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
        // Signed by us but unreadable as a time (only a stolen key could make one): refused like any bad token.
        if (payload is null || string.IsNullOrEmpty(payload.Sub) || payload.Exp <= 0 || payload.Exp > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            return null;
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(payload.Exp);
        return expiresAt > _clock.GetUtcNow() ? new AuthTicket(payload.Sub, expiresAt) : null;
    }

    private string Sign(string body) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(_key, System.Text.Encoding.ASCII.GetBytes(body)));
}

internal sealed record TokenPayload(string Sub, long Exp, string Nonce);

[System.Text.Json.Serialization.JsonSerializable(typeof(TokenPayload))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class TokenJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
