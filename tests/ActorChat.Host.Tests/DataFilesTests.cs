using ActorChat.Testing;

namespace ActorChat.Host.Tests;

public sealed class DataFilesTests
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode EveryoneReads = OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Fact]
    public async Task The_data_directory_and_every_file_in_it_are_readable_by_the_servers_user_only_those_found_there_included()
    {
        if (OperatingSystem.IsWindows())
            return;
        // What an earlier version left behind: a world-readable folder, database and key.
        var folder = Path.Combine(Path.GetTempPath(), "actorchat-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, EveryoneReads | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        foreach (var (name, content) in new[] { ("actorchat.db", ""), ("token-signing.key", Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray())) })
        {
            File.WriteAllText(Path.Combine(folder, name), content);
            File.SetUnixFileMode(Path.Combine(folder, name), EveryoneReads);
        }

        await using (var server = await ChatServer.StartAsync(folder))
        {
            await using var alice = await server.ConnectAsync("private_person");
            await alice.JoinAsync("diary");
            await alice.SendAsync(new { type = "send", room = "diary", id = "d1", text = "dear diary" });
            await alice.ExpectAsync("ack");

            Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(folder));
            foreach (var name in new[] { "actorchat.db", "actorchat.db-wal", "actorchat.db-shm", "actorchat.messages.db", "token-signing.key" })
            {
                var path = Path.Combine(folder, name);
                Assert.True(File.Exists(path), $"{name} is missing");
                Assert.True(File.GetUnixFileMode(path) == OwnerOnlyFile, $"{name} is {File.GetUnixFileMode(path)}");
            }
        }
        Directory.Delete(folder, recursive: true);
    }
}
