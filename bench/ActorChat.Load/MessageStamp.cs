using System.Buffers.Text;
using System.Globalization;
using System.Text.Unicode;

namespace ActorChat.Load;

/// <summary>
/// What a message carries so that its receivers can measure and check it, written into its text as
/// <c>t=&lt;scheduled&gt; a=&lt;sent&gt; s=&lt;run&gt;/&lt;sender&gt;#&lt;n&gt;</c>: the scheduled and the actual send time in
/// <see cref="System.Diagnostics.Stopwatch"/> ticks of this process (senders and receivers share the clock because
/// they are one process), the run, the sender's number and the message's sequence number within that sender.
/// The message id is <c>&lt;run&gt;-&lt;sender&gt;-&lt;n&gt;</c>: unique per user across runs, as the protocol asks.
/// </summary>
internal readonly record struct MessageStamp(uint Run, int Sender, int Sequence, long ScheduledAt, long SentAt)
{
    public const int MaxLength = 96;

    public bool TryFormatText(Span<byte> destination, out int written) =>
        Utf8.TryWrite(destination, CultureInfo.InvariantCulture, $"t={ScheduledAt} a={SentAt} s={Run:x8}/{Sender}#{Sequence}", out written);

    public bool TryFormatId(Span<byte> destination, out int written) => FormatId(Run, Sender, Sequence, destination, out written);

    public static bool FormatId(uint run, int sender, int sequence, Span<byte> destination, out int written) =>
        Utf8.TryWrite(destination, CultureInfo.InvariantCulture, $"{run:x8}-{sender}-{sequence}", out written);

    public static bool TryParseText(ReadOnlySpan<byte> text, out MessageStamp stamp)
    {
        stamp = default;
        if (!Literal(ref text, "t="u8) || !Utf8Parser.TryParse(text, out long scheduled, out var used)
            || !Literal(ref text, used, " a="u8) || !Utf8Parser.TryParse(text, out long sent, out used)
            || !Literal(ref text, used, " s="u8) || !Utf8Parser.TryParse(text, out uint run, out used, 'x')
            || !Literal(ref text, used, "/"u8) || !Utf8Parser.TryParse(text, out int sender, out used)
            || !Literal(ref text, used, "#"u8) || !Utf8Parser.TryParse(text, out int sequence, out used)
            || used != text.Length)
            return false;
        stamp = new MessageStamp(run, sender, sequence, scheduled, sent);
        return true;
    }

    public static bool TryParseId(ReadOnlySpan<byte> id, out uint run, out int sender, out int sequence)
    {
        sender = sequence = 0;
        return Utf8Parser.TryParse(id, out run, out var used, 'x')
            && Literal(ref id, used, "-"u8) && Utf8Parser.TryParse(id, out sender, out used)
            && Literal(ref id, used, "-"u8) && Utf8Parser.TryParse(id, out sequence, out used)
            && used == id.Length;
    }

    private static bool Literal(ref ReadOnlySpan<byte> text, ReadOnlySpan<byte> expected) => Literal(ref text, 0, expected);

    private static bool Literal(ref ReadOnlySpan<byte> text, int skip, ReadOnlySpan<byte> expected)
    {
        text = text[skip..];
        if (!text.StartsWith(expected))
            return false;
        text = text[expected.Length..];
        return true;
    }
}
