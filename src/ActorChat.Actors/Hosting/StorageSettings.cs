namespace ActorChat.Hosting;

/// <summary>Where messages, accounts and keys are kept, bound from the <c>ActorChat:Storage</c> configuration section.</summary>
public sealed class StorageSettings
{
    public const string Section = "ActorChat:Storage";

    /// <summary>Folder for the SQLite database and the token signing key; created when missing.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The SQLite database file; relative paths are taken inside <see cref="DataDirectory"/>.</summary>
    public string SqliteFile { get; set; } = "actorchat.db";

    public string SqlitePath => Path.GetFullPath(Path.Combine(DataDirectory, SqliteFile));
}
