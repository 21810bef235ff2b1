namespace ActorChat.Host.Auth;

/// <summary>Accounts, tokens and origins, bound from the <c>ActorChat:Auth</c> configuration section.</summary>
public sealed class AuthSettings
{
    public const string Section = "ActorChat:Auth";

    /// <summary>How long a token (and the auth cookie) is valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long after signing in a session may be renewed (<c>GET /api/session</c>); past it, the user signs in again.
    /// </summary>
    public TimeSpan MaxSessionAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Base64 key (at least 32 bytes) that signs tokens; every node of a cluster needs the same one. Empty: a key
    /// is generated once and kept in the data directory.
    /// </summary>
    public string SigningKey { get; set; } = "";

    /// <summary>Origins allowed to open a WebSocket besides the server's own, e.g. https://chat.example.com.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Login attempts allowed per client address per minute; more are answered with 429.</summary>
    public int LoginAttemptsPerMinute { get; set; } = 30;

    /// <summary>
    /// Accounts one client address may register per hour; more are answered with 429. Behind a proxy the address is
    /// the client's own (see <c>ActorChat:Proxy:TrustedProxies</c>).
    /// </summary>
    public int RegistrationsPerHour { get; set; } = 20;

    /// <summary>
    /// The cost of each new password hash: PBKDF2-SHA512 iterations, at least 1,000. A hash keeps the cost it was made
    /// with, so changing it never locks anyone out. Lower than the default only where hashing time matters more than
    /// resisting a stolen database: a test suite registering hundreds of users, say.
    /// </summary>
    public int PasswordHashIterations { get; set; } = Accounts.PasswordHasher.DefaultIterations;

    /// <summary>Longest password accepted, in characters: register refuses a longer one, login does not hash it.</summary>
    public int MaxPasswordLength { get; set; } = 256;

    public const string CookieName = "actorchat_auth";

    /// <summary>Readable by the page, holding no secret: set and cleared with <see cref="CookieName"/>.</summary>
    public const string SignedInCookieName = "actorchat_signed_in";

    public void Validate()
    {
        if (TokenLifetime < TimeSpan.FromMinutes(1))
            throw new InvalidOperationException($"{Section}:{nameof(TokenLifetime)} must be at least a minute.");
        if (MaxSessionAge < TokenLifetime || MaxSessionAge > TimeSpan.FromDays(3650))
            throw new InvalidOperationException($"{Section}:{nameof(MaxSessionAge)} must be at least {nameof(TokenLifetime)} and at most ten years.");
        if (MaxPasswordLength < Accounts.Usernames.MinPasswordLength)
            throw new InvalidOperationException($"{Section}:{nameof(MaxPasswordLength)} must be at least {Accounts.Usernames.MinPasswordLength}.");
        if (LoginAttemptsPerMinute < 1)
            throw new InvalidOperationException($"{Section}:{nameof(LoginAttemptsPerMinute)} must be positive.");
        if (PasswordHashIterations < Accounts.PasswordHasher.MinIterations)
            throw new InvalidOperationException($"{Section}:{nameof(PasswordHashIterations)} must be at least {Accounts.PasswordHasher.MinIterations}.");
        if (RegistrationsPerHour < 1)
            throw new InvalidOperationException($"{Section}:{nameof(RegistrationsPerHour)} must be positive.");
    }
}
