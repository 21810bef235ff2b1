using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace ActorChat.Host.Attachments;

/// <summary>The outcome of reading an upload's body: the file's bytes, or the status and error code to answer.</summary>
public readonly record struct UploadRead(byte[]? Bytes, int Status, string? Error)
{
    public static UploadRead Refused(int status, string error) => new(null, status, error);
}

/// <summary>
/// Reads the one <c>file</c> field of a <c>multipart/form-data</c> upload into memory, as it arrives. ASP.NET Core's
/// form reader would buffer a body over 64 KiB in a file of the system's temporary folder, photo metadata and all, and a
/// process killed mid-upload left it there; here nothing of an upload ever touches the disk before it is processed.
/// </summary>
public static class UploadForm
{
    /// <summary>The field that carries the photo.</summary>
    public const string FileField = "file";

    // Fields other than the photo are read and ignored up to this much in all; a form that needs more is not ours.
    private const int OtherFieldsLimit = 16 * 1024;

    public static async Task<UploadRead> ReadFileAsync(HttpRequest request, long maxBytes, CancellationToken cancel)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 256 } boundary)
            return UploadRead.Refused(400, "bad_request");
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            byte[]? file = null;
            var other = 0L;
            while (await reader.ReadNextSectionAsync(cancel).ConfigureAwait(false) is { } section)
            {
                var isFile = ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && disposition.IsFileDisposition()
                    && HeaderUtilities.RemoveQuotes(disposition.Name).Equals(FileField, StringComparison.Ordinal);
                if (isFile && file is null)
                {
                    file = await ReadBoundedAsync(section.Body, maxBytes, cancel).ConfigureAwait(false);
                    if (file is null)
                        return UploadRead.Refused(413, "too_large");
                }
                else
                {
                    var drained = await ReadBoundedAsync(section.Body, OtherFieldsLimit - other, cancel).ConfigureAwait(false);
                    if (drained is null)
                        return UploadRead.Refused(400, "bad_request");
                    other += drained.Length;
                }
            }
            return file is { Length: > 0 } ? new UploadRead(file, 201, null) : UploadRead.Refused(400, "bad_request");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return UploadRead.Refused(413, "too_large");
        }
        // A body that is not multipart as it claims (a missing boundary, a cut-off section, a header line past the limit).
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException or IOException)
        {
            return UploadRead.Refused(400, "bad_request");
        }
    }

    // The whole stream when it holds at most limit bytes; null when it holds more.
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, long limit, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancel).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
