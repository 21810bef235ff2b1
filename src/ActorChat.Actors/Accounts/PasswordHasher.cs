using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ActorChat.Accounts;

/// <summary>
/// Salted PBKDF2-SHA512 password hashes, encoded with their parameters: a hash is verified with the iterations it was
/// made with, so the cost of new hashes (<c>ActorChat:Auth:PasswordHashIterations</c>) can change at any time.
/// </summary>
public sealed class PasswordHasher
{
    /// <summary>OWASP's figure for PBKDF2-HMAC-SHA512.</summary>
    public const int DefaultIterations = 210_000;

    /// <summary>The least a server takes: a test suite's servers, which register hundreds of users, use it.</summary>
    public const int MinIterations = 1_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 64;
    private const string Scheme = "pbkdf2-sha512";

    private readonly int _iterations;

    public PasswordHasher(int iterations = DefaultIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        _iterations = iterations;
        Decoy = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
    }

    /// <summary>
    /// A hash to verify against when the account does not exist, made at this hasher's cost, so timing does not reveal
    /// which names are taken.
    /// </summary>
    public string Decoy { get; }

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, _iterations, HashAlgorithmName.SHA512, HashBytes);
        return string.Join('$', Scheme, _iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public static bool Verify(string password, string encoded)
    {
        var parts = encoded.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
            return false;
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, expected.Length);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
