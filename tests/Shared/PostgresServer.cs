using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ActorChat.Testing;

/// <summary>
/// A throwaway PostgreSQL server on a free loopback port, in a temporary folder, from Debian's packages
/// (scripts/test.sh installs them when missing). Each test takes a database of its own.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly (string Address, string Network)? alsoListenOn;

    /// <summary>On loopback only; also what a test class takes as its fixture.</summary>
    public PostgresServer()
    {
    }

    private PostgresServer((string Address, string Network) alsoListenOn) => this.alsoListenOn = alsoListenOn;

    /// <summary>
    /// A server that also listens on <paramref name="address"/> and lets <paramref name="network"/> (CIDR) connect
    /// there: for nodes in network namespaces of the tests' own.
    /// </summary>
    public static PostgresServer AlsoListeningOn(string address, string network) => new((address, network));

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "actorchat-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private string _bin = "";
    private int _port;

    public async Task InitializeAsync()
    {
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault() ?? ""
            : "";
        if (_bin.Length == 0)
            throw new InvalidOperationException("PostgreSQL server binaries are missing: scripts/test.sh installs Debian's postgresql package.");

        Directory.CreateDirectory(_directory);
        if (Environment.UserName == "root")
            await RunAsync("chown", $"postgres:postgres {_directory}");
        _port = FreePort();
        await RunAsPostgresAsync("initdb", $"-D {_directory}/data -A trust -U postgres --no-sync");
        var listen = "127.0.0.1";
        if (alsoListenOn is { } extra)
        {
            listen += "," + extra.Address;
            await File.AppendAllTextAsync($"{_directory}/data/pg_hba.conf", $"host all all {extra.Network} trust\n");
        }
        await RunAsPostgresAsync("pg_ctl",
            $"-D {_directory}/data -l {_directory}/server.log -w -o \"-p {_port} -k {_directory} -c listen_addresses={listen} -c fsync=off -c max_connections=300\" start");
    }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "chat_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name}";
            await command.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    private string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = _port, Username = "postgres", Database = database, Pooling = true }.ToString();

    public async Task DisposeAsync()
    {
        if (_port != 0)
            await RunAsPostgresAsync("pg_ctl", $"-D {_directory}/data -m immediate -w stop");
        Directory.Delete(_directory, recursive: true);
    }

    private Task RunAsPostgresAsync(string tool, string arguments) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", $"-u postgres -- {Path.Combine(_bin, tool)} {arguments}")
            : RunAsync(Path.Combine(_bin, tool), arguments);

    private static async Task RunAsync(string program, string arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {arguments} failed ({process.ExitCode}): {await output}{await errors}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
