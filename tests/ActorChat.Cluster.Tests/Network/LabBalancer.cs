using System.Diagnostics;

namespace ActorChat.Cluster.Tests.Network;

/// <summary>
/// nginx in the root namespace in front of the lab's nodes, as a deployment's load balancer: WebSocket upgrades passed
/// through, a node that refuses connections skipped. Clients of a lost node reconnect through it to the others.
/// </summary>
public sealed class LabBalancer : IAsyncDisposable
{
    private readonly string _directory;

    private LabBalancer(string directory, int port) => (_directory, Port) = (directory, port);

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public Uri SocketAddress => new($"ws://127.0.0.1:{Port}/ws");

    public static async Task<LabBalancer> StartAsync(IEnumerable<string> upstreams)
    {
        var nginx = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx"
            : throw new InvalidOperationException("nginx is missing: scripts/test.sh installs Debian's nginx package.");
        var directory = Directory.CreateTempSubdirectory("actorchat-nginx-").FullName;
        var port = ClusterNode.FreePort();
        var servers = string.Concat(upstreams.Select(upstream => $"    server {upstream} max_fails=1 fail_timeout=2s;\n"));
        await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), $$"""
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log;
            events {}
            http {
              access_log off;
              map $http_upgrade $connection_upgrade { default upgrade; '' close; }
              upstream actorchat {
            {{servers}}  }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://actorchat;
                  proxy_http_version 1.1;
                  proxy_set_header Upgrade $http_upgrade;
                  proxy_set_header Connection $connection_upgrade;
                  proxy_set_header Host $host;
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                  proxy_connect_timeout 2s;
                  proxy_read_timeout 1h;
                  proxy_next_upstream error timeout http_502 http_503;
                }
              }
            }
            """);
        await RunAsync(nginx, "-p", directory, "-c", Path.Combine(directory, "nginx.conf"));
        return new LabBalancer(directory, port);
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("/usr/sbin/nginx", "-p", _directory, "-c", Path.Combine(_directory, "nginx.conf"), "-s", "stop");
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task RunAsync(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', command)} failed ({process.ExitCode}): {await errors}");
    }
}
