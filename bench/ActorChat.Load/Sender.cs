using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace ActorChat.Load;

/// <summary>
/// A sending connection's side of the run: the <see cref="Pacer"/> releases each message at its scheduled time, and
/// <see cref="RunAsync"/> sends them in order over the connection (late ones are sent as soon as possible, never
/// skipped: that lateness counts in the latency from the schedule). Acks are matched by message id. When its
/// connection reconnects, a message released while it is away waits, and every message not acked goes again with
/// the same id, in order, before any newer one.
/// </summary>
internal sealed class Sender : IDisposable
{
    private readonly RunStats _stats;
    private readonly long[] _sentAt;
    private readonly ulong[] _acked;
    private readonly Channel<int> _due = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly ArrayBufferWriter<byte> _frame = new(256);
    private readonly Utf8JsonWriter _writer;

    // With reconnects: held while a message is built, marked sent and sent, and while the unacked ones go again.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _released;
    private int _sent;
    private int _sentMeasured;
    private int _ackedMeasured;
    private int _duplicateAcks;

    public Sender(int index, ChatConnection connection, RunStats stats)
    {
        Index = index;
        Connection = connection;
        _stats = stats;
        Count = stats.Schedule.Count(index);
        FirstMeasured = stats.Schedule.FirstMeasured(index);
        _sentAt = new long[Count];
        _acked = new ulong[(Count + 63) / 64];
        _writer = new Utf8JsonWriter(_frame);
    }

    /// <summary>The sender's number in the run, carried in its messages.</summary>
    public int Index { get; }

    public ChatConnection Connection { get; }

    /// <summary>Messages on the timetable: 0 to Count - 1.</summary>
    public int Count { get; }

    /// <summary>The first measured message; the rest up to <see cref="Count"/> are measured too.</summary>
    public int FirstMeasured { get; }

    public int MeasuredCount => Count - FirstMeasured;
    public int Sent => Volatile.Read(ref _sent);
    public int SentMeasured => Volatile.Read(ref _sentMeasured);
    public int AckedMeasured => Volatile.Read(ref _ackedMeasured);
    public int DuplicateAcks => Volatile.Read(ref _duplicateAcks);

    public long ScheduledAt(int n) => _stats.Schedule.ScheduledAt(Index, n);

    public bool WasSent(int n) => Volatile.Read(ref _sentAt[n]) != 0;

    /// <summary>Called by the pacer when the next message is due; returns the number of the one after it.</summary>
    public int ReleaseNext()
    {
        _due.Writer.TryWrite(_released);
        return ++_released;
    }

    public void Complete() => _due.Writer.TryComplete();

    /// <summary>Sends released messages until the pacer completes the sender or <paramref name="ct"/> stops it.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var n in _due.Reader.ReadAllAsync(ct))
            {
                if (Connection.Reconnects)
                {
                    await SendResumableAsync(n, ct);
                    continue;
                }
                var sentAt = Stopwatch.GetTimestamp();
                var frame = BuildFrame(n, sentAt);
                Volatile.Write(ref _sentAt[n], sentAt);
                await Connection.SendAsync(frame, ct);
                Interlocked.Increment(ref _sent);
                if (n >= FirstMeasured)
                {
                    Interlocked.Increment(ref _sentMeasured);
                    _stats.SendLag.RecordTicks(sentAt - ScheduledAt(n));
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the drain deadline passed with messages still queued: they count as not sent
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            if (!_stats.Stopping)
                _stats.Error("send", $"sender {Index} ({Connection.Name}): send failed: {e.Message}");
        }
    }

    /// <summary>
    /// After a reconnect, once its room is joined again: sends every message not acked yet, in order and with its id,
    /// on <paramref name="socket"/>, then <paramref name="resumed"/> lets newer messages go there too. Returns how
    /// many went again.
    /// </summary>
    public async Task<int> ResumeAsync(FrameSocket socket, Action resumed, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var resent = 0;
            for (var n = 0; n < Count; n++)
            {
                if (!WasSent(n) || IsAcked(n))
                    continue;
                await socket.SendAsync(BuildFrame(n, _sentAt[n]), ct);
                resent++;
            }
            resumed();
            return resent;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The server answered <c>unavailable</c> to a send (its outcome is unknown): sends it again with the same id,
    /// unless it was acked meanwhile. False when the id is not one of this sender's.
    /// </summary>
    public bool Retry(ReadOnlySpan<byte> id)
    {
        if (!MessageStamp.TryParseId(id, out var run, out var sender, out var n) || run != _stats.Run
            || sender != Index || (uint)n >= (uint)Count || !WasSent(n))
            return false;
        _ = RetryAsync(n);
        return true;
    }

    /// <summary>An <c>ack</c> for one of this sender's messages arrived on its connection.</summary>
    public void OnAck(ReadOnlySpan<byte> id)
    {
        var now = Stopwatch.GetTimestamp();
        if (!MessageStamp.TryParseId(id, out var run, out var sender, out var n) || run != _stats.Run
            || sender != Index || (uint)n >= (uint)Count || Volatile.Read(ref _sentAt[n]) == 0)
        {
            _stats.Error("protocol", $"{Connection.Name}: ack for an id it did not send: {System.Text.Encoding.UTF8.GetString(id)}");
            return;
        }
        ref var word = ref _acked[n >> 6];
        if ((word & (1UL << n)) != 0)
        {
            Interlocked.Increment(ref _duplicateAcks);
            return;
        }
        word |= 1UL << n;
        if (n >= FirstMeasured)
        {
            Interlocked.Increment(ref _ackedMeasured);
            _stats.AckFromSend.RecordTicks(now - _sentAt[n]);
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        _gate.Dispose();
    }

    private bool IsAcked(int n) => (Volatile.Read(ref _acked[n >> 6]) & (1UL << n)) != 0;

    /// <summary>Builds, marks sent and sends one message; a connection that is away sends it with the resume instead.</summary>
    private async Task SendResumableAsync(int n, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var sentAt = Stopwatch.GetTimestamp();
            var frame = BuildFrame(n, sentAt);
            Volatile.Write(ref _sentAt[n], sentAt);
            Interlocked.Increment(ref _sent);
            if (n >= FirstMeasured)
            {
                Interlocked.Increment(ref _sentMeasured);
                _stats.SendLag.RecordTicks(sentAt - ScheduledAt(n));
            }
            await Connection.SendLiveAsync(frame, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RetryAsync(int n)
    {
        try
        {
            await _gate.WaitAsync();
            try
            {
                if (!IsAcked(n))
                    await Connection.SendLiveAsync(BuildFrame(n, _sentAt[n]), CancellationToken.None);
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (ObjectDisposedException)
        {
            // the run is over
        }
    }

    private ReadOnlyMemory<byte> BuildFrame(int n, long sentAt)
    {
        var stamp = new MessageStamp(_stats.Run, Index, n, ScheduledAt(n), sentAt);
        Span<byte> id = stackalloc byte[MessageStamp.MaxLength];
        Span<byte> text = stackalloc byte[MessageStamp.MaxLength];
        if (!stamp.TryFormatId(id, out var idLength) || !stamp.TryFormatText(text, out var textLength))
            throw new InvalidOperationException("message stamp does not fit");
        _frame.ResetWrittenCount();
        _writer.Reset(_frame);
        _writer.WriteStartObject();
        _writer.WriteString("type"u8, "send"u8);
        _writer.WriteString("room"u8, Connection.Room.Name);
        _writer.WriteString("id"u8, id[..idLength]);
        _writer.WriteString("text"u8, text[..textLength]);
        _writer.WriteEndObject();
        _writer.Flush();
        return _frame.WrittenMemory;
    }
}
