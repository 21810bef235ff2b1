using System.Security.Cryptography;
using ActorChat.Storage;

namespace ActorChat.Host.Auth;

/// <summary>Finds the token signing key: configured, or generated once and kept in the data directory.</summary>
public static class SigningKey
{
    public const string FileName = "token-signing.key";

    public static byte[] Load(AuthSettings auth, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(auth.SigningKey))
            return Decode(auth.SigningKey, $"{AuthSettings.Section}:{nameof(AuthSettings.SigningKey)}");

        PrivateFiles.CreateFolder(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        PrivateFiles.Restrict(path);
        if (!File.Exists(path))
        {
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var file = new FileStream(path, options);
                using var writer = new StreamWriter(file);
                writer.Write(key);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }
        return Decode(File.ReadAllText(path).Trim(), path);
    }

    private static byte[] Decode(string base64, string source)
    {
        try
        {
            var key = Convert.FromBase64String(base64);
            if (key.Length >= 32)
                return key;
        }
        catch (FormatException)
        {
        }
        throw new InvalidOperationException($"The token signing key in {source} must be base64 of at least 32 bytes.");
    }
}
