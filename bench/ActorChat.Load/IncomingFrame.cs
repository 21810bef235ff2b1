using System.Text.Json;

namespace ActorChat.Load;

/// <summary>
/// The fields of a server frame that the load run reads (UTF-8, pointing into the receive buffer), and for
/// <c>joined</c> the <c>messages</c> it carries. Property order does not matter.
/// </summary>
internal ref struct IncomingFrame
{
    private Utf8JsonReader _messages;
    private bool _hasMessages;

    public ReadOnlySpan<byte> Type { get; private set; }
    public ReadOnlySpan<byte> Id { get; private set; }
    public ReadOnlySpan<byte> Text { get; private set; }
    public ReadOnlySpan<byte> Code { get; private set; }
    public ReadOnlySpan<byte> Message { get; private set; }
    public ReadOnlySpan<byte> Ref { get; private set; }

    /// <summary>The frame's <c>seq</c>: a message's or an ack's, the room's latest in a <c>joined</c>; 0 when absent.</summary>
    public long Seq { get; private set; }

    /// <summary>Reads a frame; false when it is not a JSON object.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out IncomingFrame frame)
    {
        frame = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                    frame.Type = StringValue(ref reader);
                else if (reader.ValueTextEquals("id"u8))
                    frame.Id = StringValue(ref reader);
                else if (reader.ValueTextEquals("text"u8))
                    frame.Text = StringValue(ref reader);
                else if (reader.ValueTextEquals("code"u8))
                    frame.Code = StringValue(ref reader);
                else if (reader.ValueTextEquals("message"u8))
                    frame.Message = StringValue(ref reader);
                else if (reader.ValueTextEquals("ref"u8))
                    frame.Ref = StringValue(ref reader);
                else if (reader.ValueTextEquals("seq"u8))
                    frame.Seq = NumberValue(ref reader);
                else if (reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        frame._messages = reader;
                        frame._hasMessages = true;
                    }
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return reader.TokenType == JsonTokenType.EndObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The next message of a <c>joined</c> frame's <c>messages</c>; false after the last.</summary>
    public bool NextMessage(out ReadOnlySpan<byte> id, out ReadOnlySpan<byte> text, out long seq)
    {
        id = text = default;
        seq = 0;
        if (!_hasMessages)
            return false;
        try
        {
            if (!_messages.Read() || _messages.TokenType != JsonTokenType.StartObject)
            {
                _hasMessages = false;
                return false;
            }
            while (_messages.Read() && _messages.TokenType == JsonTokenType.PropertyName)
            {
                if (_messages.ValueTextEquals("id"u8))
                    id = StringValue(ref _messages);
                else if (_messages.ValueTextEquals("text"u8))
                    text = StringValue(ref _messages);
                else if (_messages.ValueTextEquals("seq"u8))
                    seq = NumberValue(ref _messages);
                else
                {
                    _messages.Read();
                    _messages.Skip();
                }
            }
            return true;
        }
        catch (JsonException)
        {
            _hasMessages = false;
            return false;
        }
    }

    /// <summary>Moves to the property's value; the whole number it is, or 0 when it is not one.</summary>
    private static long NumberValue(scoped ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n))
            return n;
        reader.Skip();
        return 0;
    }

    /// <summary>Moves to the property's value; its bytes, unescaped (a copy only when it had escapes), or empty when it is not a string.</summary>
    private static ReadOnlySpan<byte> StringValue(scoped ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return default;
        }
        if (!reader.ValueIsEscaped)
            return reader.ValueSpan;
        var unescaped = new byte[reader.ValueSpan.Length];
        return unescaped.AsSpan(0, reader.CopyString(unescaped));
    }
}
