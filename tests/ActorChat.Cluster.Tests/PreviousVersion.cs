using System.Diagnostics;

namespace ActorChat.Cluster.Tests;

/// <summary>
/// A host of an earlier version, built from this repository's history into a folder of its own (kept between runs:
/// a commit never changes), for tests of a cluster whose nodes run different versions.
/// </summary>
public static class PreviousVersion
{
    private static readonly SemaphoreSlim Building = new(1, 1);

    /// <summary>Builds the host of <paramref name="commit"/> unless it is built already, and answers its path.</summary>
    public static async Task<string> HostAsync(string commit)
    {
        var folder = Path.Combine(Path.GetTempPath(), "actorchat-version-" + commit);
        var host = Path.Combine(folder, "out", "ActorChat.Host.dll");
        await Building.WaitAsync();
        try
        {
            if (File.Exists(host))
                return host;
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
            Directory.CreateDirectory(folder);
            var archive = Path.Combine(folder, "source.tar");
            await RunAsync("git", ClusterNode.RepositoryRoot, "archive", "--format=tar", "-o", archive, commit);
            await RunAsync("tar", folder, "-xf", archive);
            await RunAsync("dotnet", folder, "build", "src/ActorChat.Host/ActorChat.Host.csproj", "-c", "Release", "-nologo", "-v", "quiet",
                "-o", Path.Combine(folder, "out"));
            return File.Exists(host) ? host : throw new FileNotFoundException($"the build of {commit} left no host", host);
        }
        finally
        {
            Building.Release();
        }
    }

    private static async Task RunAsync(string program, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await output}\n{await errors}");
    }
}
