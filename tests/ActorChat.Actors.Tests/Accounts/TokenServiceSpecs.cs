using ActorChat.Accounts;

namespace ActorChat.Tests.Accounts;

public sealed class TokenServiceSpecs
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly byte[] Key = new byte[32];

    [Fact]
    public void A_renewal_keeps_the_session_and_ends_with_it_and_none_is_given_once_the_session_is_over()
    {
        var clock = new Clock(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var tokens = new TokenService(Key, TimeSpan.FromHours(24), TimeSpan.FromDays(30), clock);
        var (token, signedIn) = tokens.Issue("alice", generation: 3);

        clock.Now += TimeSpan.FromHours(12);
        var renewed = tokens.Renew(tokens.Validate(token)!)!.Value.Ticket;
        Assert.Equal((signedIn.Session, signedIn.SignedInAt, 3L), (renewed.Session, renewed.SignedInAt, renewed.Generation));
        Assert.Equal(clock.Now + TimeSpan.FromHours(24), renewed.ExpiresAt);

        // A sign-out now must be remembered until the last token issued so far would have expired.
        Assert.Equal(clock.Now + TimeSpan.FromHours(24), tokens.LastExpiry(renewed));

        clock.Now = signedIn.SignedInAt + TimeSpan.FromDays(29.5);
        Assert.Equal(signedIn.SignedInAt + TimeSpan.FromDays(30), tokens.Renew(renewed)!.Value.Ticket.ExpiresAt);
        Assert.Equal(signedIn.SignedInAt + TimeSpan.FromDays(30), tokens.LastExpiry(renewed));

        clock.Now = signedIn.SignedInAt + TimeSpan.FromDays(30);
        Assert.Null(tokens.Renew(renewed));
    }

    [Fact]
    public void Two_sign_ins_are_two_sessions_and_a_token_from_before_sessions_is_refused()
    {
        var tokens = new TokenService(Key, TimeSpan.FromHours(1));

        Assert.NotEqual(tokens.Issue("alice").Ticket.Session, tokens.Issue("alice").Ticket.Session);
        var body = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new { sub = "alice", exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(), nonce = "00" }));
        var signature = System.Buffers.Text.Base64Url.EncodeToString(
            System.Security.Cryptography.HMACSHA256.HashData(Key, System.Text.Encoding.ASCII.GetBytes(body)));
        Assert.Null(tokens.Validate($"{body}.{signature}"));
    }
}
