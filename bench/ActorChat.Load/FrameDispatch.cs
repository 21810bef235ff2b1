using System.Net.WebSockets;
using System.Text;

namespace ActorChat.Load;

/// <summary>What a server frame was, as far as opening a connection cares.</summary>
internal enum FrameKind
{
    Other,
    Welcome,
    Joined,
    Error,
}

/// <summary>
/// Acts on each frame one connection receives: messages to its <see cref="MessageCheck"/>, <c>ack</c>s to its
/// <see cref="Sender"/>, <c>error</c>s to the run's counts, <c>ping</c> answered.
/// </summary>
internal sealed class FrameDispatch(ChatConnection connection, MessageCheck check, RunStats stats)
{
    private static readonly byte[] PongFrame = """{"type":"pong"}"""u8.ToArray();

    /// <summary>The last <c>error</c> frame, described.</summary>
    public string? LastError { get; private set; }

    /// <summary>Set when the connection asked to join with <c>since</c>: the next <c>joined</c> answers it.</summary>
    public bool Resuming { get; set; }

    public FrameKind Handle(ReadOnlySpan<byte> json)
    {
        if (!IncomingFrame.TryParse(json, out var frame))
        {
            stats.Error("protocol", $"{connection.Name}: a frame that is not a JSON object");
            return FrameKind.Other;
        }
        var type = frame.Type;
        if (type.SequenceEqual("message"u8))
        {
            check.OnMessage(frame.Text, frame.Seq, Arrival.Live);
        }
        else if (type.SequenceEqual("ack"u8))
        {
            if (connection.Sender is { } sender)
                sender.OnAck(frame.Id);
            else
                stats.Error("protocol", $"{connection.Name}: an ack on a connection that sent nothing");
        }
        else if (type.SequenceEqual("joined"u8))
        {
            // The answer to a resume replays exactly what this member missed; a second joined (the room restarted
            // under its members) may replay what it has.
            var arrival = Resuming ? Arrival.Resume : Arrival.Replay;
            Resuming = false;
            while (frame.NextMessage(out _, out var text, out var seq))
                check.OnMessage(text, seq, arrival);
            return FrameKind.Joined;
        }
        else if (type.SequenceEqual("welcome"u8))
        {
            return FrameKind.Welcome;
        }
        else if (type.SequenceEqual("error"u8))
        {
            var code = Encoding.UTF8.GetString(frame.Code);
            LastError = $"error {code}: {Encoding.UTF8.GetString(frame.Message)}"
                + (frame.Ref.IsEmpty ? "" : $" (ref {Encoding.UTF8.GetString(frame.Ref)})");
            // Outcome unknown: with reconnects the send goes again with its id, as the protocol asks.
            if (connection.Reconnects && code == "unavailable" && connection.Sender is { } sender && sender.Retry(frame.Ref))
                stats.Unavailable($"{connection.Name}: {LastError}");
            else
                stats.Error("error:" + code, $"{connection.Name}: {LastError}");
            return FrameKind.Error;
        }
        else if (type.SequenceEqual("ping"u8))
        {
            _ = SendPongAsync();
        }
        // presence, typing, read, pong and anything newer need nothing from a load client
        return FrameKind.Other;
    }

    private async Task SendPongAsync()
    {
        try
        {
            await connection.SendAsync(PongFrame, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // the receive loop reports the broken connection
        }
    }
}
