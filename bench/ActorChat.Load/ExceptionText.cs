namespace ActorChat.Load;

internal static class ExceptionText
{
    /// <summary>The messages of an exception and its inner ones, without repeats: "SSL failed: the certificate is not trusted".</summary>
    public static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            var message = inner.Message.Replace(", see inner exception.", "", StringComparison.Ordinal).TrimEnd('.');
            if (!messages.Contains(message))
                messages.Add(message);
        }
        return string.Join(": ", messages);
    }
}
