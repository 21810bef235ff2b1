using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace ActorChat.Cluster.Tests.Network;

/// <summary>
/// A TCP proxy of the tests' own, for the fault this machine's kernel cannot make (it has no netem): every byte is
/// held for <see cref="Delay"/> before it goes on, in order, both ways. Loss and cuts are iptables rules
/// (<see cref="NetworkLab"/>), which TCP recovers from as on a real network.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public FaultProxy(IPAddress listenOn, IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(listenOn, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How long each byte is held in each direction.</summary>
    public TimeSpan Delay { get; set; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            await Task.WhenAny(PumpAsync(client, server, done.Token), PumpAsync(server, client, done.Token));
            await done.CancelAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    // Reads as fast as the sender writes and stamps each chunk; a writer sends each one when its time comes, so the
    // delay adds to the latency without throttling the throughput, as on a long link.
    private async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var chunks = Channel.CreateUnbounded<(long Due, byte[] Bytes)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writing = WriteAsync(chunks.Reader, to, cancellationToken);
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, cancellationToken);
                if (read == 0)
                    break;
                chunks.Writer.TryWrite((Environment.TickCount64 + (long)Delay.TotalMilliseconds, buffer[..read]));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        chunks.Writer.TryComplete();
        await writing;
    }

    private static async Task WriteAsync(ChannelReader<(long Due, byte[] Bytes)> chunks, Socket to, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (due, bytes) in chunks.ReadAllAsync(cancellationToken))
            {
                var wait = due - Environment.TickCount64;
                if (wait > 0)
                    await Task.Delay(TimeSpan.FromMilliseconds(wait), cancellationToken);
                await to.SendAsync(bytes, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        try
        {
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
