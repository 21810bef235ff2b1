namespace ActorChat.Storage;

/// <summary>
/// The data directory and what is kept in it (messages, accounts, the signing key) are for the server's own user
/// only: the folder is 0700 and each file 0600, whether this run created them or found them.
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="folder"/> when missing, readable by its owner only.</summary>
    public static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        Directory.CreateDirectory(folder, OwnerOnlyFolder);
        System.IO.File.SetUnixFileMode(folder, OwnerOnlyFolder);
    }

    /// <summary>Creates <paramref name="file"/> empty when missing; either way readable by its owner only.</summary>
    public static void CreateFile(string file)
    {
        if (OperatingSystem.IsWindows())
            return;
        try
        {
            using var _ = new FileStream(file, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile });
        }
        catch (IOException) when (System.IO.File.Exists(file))
        {
        }
        Restrict(file);
    }

    /// <summary>Makes <paramref name="file"/>, if it exists, readable by its owner only.</summary>
    public static void Restrict(string file)
    {
        if (!OperatingSystem.IsWindows() && System.IO.File.Exists(file))
            System.IO.File.SetUnixFileMode(file, OwnerOnlyFile);
    }
}
