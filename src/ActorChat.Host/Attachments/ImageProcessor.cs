using SkiaSharp;

namespace ActorChat.Host.Attachments;

/// <summary>An uploaded image as it is stored: re-encoded without metadata, upright, with its thumbnail.</summary>
public sealed record ProcessedImage(string ContentType, byte[] Image, int Width, int Height, string ThumbnailContentType, byte[] Thumbnail);

/// <summary>Why an upload is not taken as an image: the error code the client sees, and what to tell it.</summary>
public sealed class UnsupportedImageException(string message) : Exception(message);

/// <summary>
/// Turns uploaded bytes into a stored image. The type comes from the bytes themselves; the dimensions and frame count
/// are read from the header before any pixel is decoded, so that a small file claiming a huge image (a decompression
/// bomb) is refused without costing memory. The image is then decoded once, turned upright as its EXIF orientation
/// says, and encoded again: what is stored carries no metadata at all (no EXIF, no GPS position, no XMP).
/// </summary>
public sealed class ImageProcessor(AttachmentSettings settings)
{
    private static readonly (byte[] Magic, int Offset, SKEncodedImageFormat Format)[] Signatures =
    [
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], 0, SKEncodedImageFormat.Png),
        ([0xFF, 0xD8, 0xFF], 0, SKEncodedImageFormat.Jpeg),
        ("GIF87a"u8.ToArray(), 0, SKEncodedImageFormat.Gif),
        ("GIF89a"u8.ToArray(), 0, SKEncodedImageFormat.Gif),
        ("WEBP"u8.ToArray(), 8, SKEncodedImageFormat.Webp),
    ];

    /// <summary>The image type the bytes start with; null for anything but PNG, JPEG, GIF and WebP.</summary>
    public static SKEncodedImageFormat? Sniff(ReadOnlySpan<byte> bytes)
    {
        foreach (var (magic, offset, format) in Signatures)
        {
            if (bytes.Length >= offset + magic.Length && bytes.Slice(offset, magic.Length).SequenceEqual(magic)
                && (format != SKEncodedImageFormat.Webp || bytes[..4].SequenceEqual("RIFF"u8)))
                return format;
        }
        return null;
    }

    /// <summary>The pixels decoding the upload will take (its first frame), read from its header alone.</summary>
    /// <exception cref="UnsupportedImageException">The bytes are not an image of an accepted type, or it is too large in pixels or frames.</exception>
    public long PixelsOf(byte[] upload)
    {
        using var header = Header.Read(upload, settings);
        return (long)header.Codec.Info.Width * header.Codec.Info.Height;
    }

    /// <summary>An avatar's side in pixels, at most (a smaller picture keeps its own), and its thumbnail's.</summary>
    public const int AvatarSize = 512;

    public const int AvatarThumbnailSize = 128;

    /// <param name="avatar">
    /// An avatar: cut to the largest centred square, at most <see cref="AvatarSize"/> pixels a side, with a thumbnail
    /// of <see cref="AvatarThumbnailSize"/>.
    /// </param>
    /// <exception cref="UnsupportedImageException">The bytes are not an image of an accepted type, or it is too large in pixels or frames.</exception>
    public ProcessedImage Process(byte[] upload, bool avatar = false)
    {
        using var header = Header.Read(upload, settings);
        var (codec, format) = (header.Codec, header.Format);
        var (width, height) = (codec.Info.Width, codec.Info.Height);

        // The first frame only: an animation is stored as its first picture.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, codec.Info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul);
        using var decoded = new SKBitmap(info);
        var result = codec.GetPixels(info, decoded.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new UnsupportedImageException("the image could not be decoded");

        using var upright = Orient(decoded, codec.EncodedOrigin);
        using var square = avatar ? Square(upright, AvatarSize) : null;
        var picture = square ?? upright;
        var (contentType, encoding, quality) = OutputOf(format);
        var image = Encode(picture, encoding, quality);
        using var thumbnail = Thumbnail(picture, avatar ? AvatarThumbnailSize : settings.ThumbnailSize);
        return new ProcessedImage(contentType, image, picture.Width, picture.Height, contentType, Encode(thumbnail, encoding, quality));
    }

    /// <summary>The largest square centred in <paramref name="source"/>, scaled down to at most <paramref name="max"/> pixels a side.</summary>
    private static SKBitmap Square(SKBitmap source, int max)
    {
        var side = Math.Min(source.Width, source.Height);
        var size = Math.Min(side, max);
        var result = new SKBitmap(new SKImageInfo(size, size, source.ColorType, source.AlphaType));
        using var canvas = new SKCanvas(result);
        canvas.Clear(SKColors.Transparent);
        using var image = SKImage.FromBitmap(source);
        var from = SKRect.Create((source.Width - side) / 2f, (source.Height - side) / 2f, side, side);
        canvas.DrawImage(image, from, SKRect.Create(size, size), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), null);
        return result;
    }

    // The image's type, size and frame count, checked before a single pixel is decoded.
    private sealed class Header : IDisposable
    {
        private readonly SKData _data;

        private Header(SKData data, SKCodec codec, SKEncodedImageFormat format) => (_data, Codec, Format) = (data, codec, format);

        public SKCodec Codec { get; }

        public SKEncodedImageFormat Format { get; }

        public static Header Read(byte[] upload, AttachmentSettings settings)
        {
            var format = Sniff(upload) ?? throw new UnsupportedImageException("only PNG, JPEG, GIF and WebP images are accepted");
            var data = SKData.CreateCopy(upload);
            if (SKCodec.Create(data) is not { } codec)
            {
                data.Dispose();
                throw new UnsupportedImageException("the image could not be read");
            }
            var header = new Header(data, codec, format);
            try
            {
                if (codec.EncodedFormat != format)
                    throw new UnsupportedImageException("the image could not be read");
                var (width, height) = (codec.Info.Width, codec.Info.Height);
                if (width <= 0 || height <= 0 || (long)width * height > settings.MaxPixels)
                    throw new UnsupportedImageException($"images may have at most {settings.MaxPixels:N0} pixels");
                if (codec.FrameCount > settings.MaxFrames)
                    throw new UnsupportedImageException($"animated images may have at most {settings.MaxFrames} frames");
                return header;
            }
            catch
            {
                header.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            Codec.Dispose();
            _data.Dispose();
        }
    }

    // JPEG stays JPEG and WebP stays WebP; PNG and GIF become PNG, which keeps their transparency without loss.
    private static (string ContentType, SKEncodedImageFormat Format, int Quality) OutputOf(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => ("image/jpeg", SKEncodedImageFormat.Jpeg, 85),
        SKEncodedImageFormat.Webp => ("image/webp", SKEncodedImageFormat.Webp, 85),
        _ => ("image/png", SKEncodedImageFormat.Png, 100),
    };

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var encoded = image.Encode(format, quality) ?? throw new UnsupportedImageException("the image could not be encoded");
        return encoded.ToArray();
    }

    /// <summary>The picture as it should be seen: EXIF orientation applied, so that the stored copy needs none.</summary>
    private static SKBitmap Orient(SKBitmap source, SKEncodedOrigin origin)
    {
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (w, h) = swap ? (source.Height, source.Width) : (source.Width, source.Height);
        var result = new SKBitmap(new SKImageInfo(w, h, source.ColorType, source.AlphaType));
        using var canvas = new SKCanvas(result);
        canvas.Clear(SKColors.Transparent);
        canvas.SetMatrix(origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, w, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, w, -1, 0, h, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, h, 0, 0, 1),
            _ => SKMatrix.Identity,
        });
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        return result;
    }

    private static SKBitmap Thumbnail(SKBitmap source, int box)
    {
        var scale = Math.Min(1.0, (double)box / Math.Max(source.Width, source.Height));
        var info = new SKImageInfo(Math.Max(1, (int)Math.Round(source.Width * scale)), Math.Max(1, (int)Math.Round(source.Height * scale)), source.ColorType, source.AlphaType);
        return source.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
            ?? throw new UnsupportedImageException("the image could not be scaled");
    }
}
