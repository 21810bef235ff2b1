using ActorChat.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace ActorChat.Host.Sockets;

/// <summary>
/// Bounds the bytes a WebSocket client may send per second, counted below the WebSocket: the managed WebSocket
/// answers pings by itself, so frames the chat never sees (a ping flood) are paced too. Past the budget the socket
/// is read more slowly; TCP then holds the sender back, and no other connection notices.
/// </summary>
public static class InboundThrottle
{
    /// <summary>Runs before the WebSocket middleware, which takes the upgrade feature when it sees the request.</summary>
    public static IApplicationBuilder UseInboundThrottle(this IApplicationBuilder app, PathString path, double bytesPerSecond, double burstBytes) =>
        app.Use((context, next) =>
        {
            if (context.Request.Path == path && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
                context.Features.Set<IHttpUpgradeFeature>(new ThrottledUpgrade(upgrade, bytesPerSecond, burstBytes));
            return next(context);
        });

    private sealed class ThrottledUpgrade(IHttpUpgradeFeature inner, double bytesPerSecond, double burstBytes) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync() => new ThrottledStream(await inner.UpgradeAsync(), bytesPerSecond, burstBytes);
    }

    /// <summary>A token bucket over the bytes read: a full burst to start with, refilled at the rate.</summary>
    private sealed class ThrottledStream(Stream inner, double bytesPerSecond, double burstBytes) : Stream
    {
        private readonly TokenBucket _budget = new(bytesPerSecond, burstBytes, TimeProvider.System);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            // The bytes are already read, so the bucket runs into debt for them; the next read waits behind this one.
            if (read > 0 && _budget.TryReserve(read, TimeSpan.MaxValue, out var wait) && wait > TimeSpan.Zero)
            {
                ChatMetrics.InboundThrottled.Add(1);
                // Hand these bytes on only once the budget has earned them.
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
