using SkiaSharp;

namespace ActorChat.Testing;

/// <summary>Real images for upload tests, made on the spot: photos as cameras write them, and files that only pretend to be images.</summary>
public static class TestImages
{
    /// <summary>A JPEG <paramref name="width"/> × <paramref name="height"/>, red on its left half and blue on its right.</summary>
    public static byte[] Jpeg(int width = 40, int height = 20) => Encode(width, height, SKEncodedImageFormat.Jpeg);

    public static byte[] Png(int width = 40, int height = 20) => Encode(width, height, SKEncodedImageFormat.Png);

    /// <summary>
    /// A JPEG as a phone held sideways writes it: the pixels as the sensor saw them, and EXIF saying "turn 90° clockwise
    /// to show" (orientation 6), with a GPS position.
    /// </summary>
    public static byte[] SidewaysJpegWithGps(int width = 40, int height = 20)
    {
        var jpeg = Jpeg(width, height);
        // APP1 "Exif": a little-endian TIFF with IFD0 = { Orientation = 6, GPSInfo -> IFD }, GPS IFD = { LatitudeRef = "N" }.
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0,
            2, 0,
            0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0,
            0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0,
            0, 0, 0, 0,
            1, 0,
            0x01, 0x00, 2, 0, 2, 0, 0, 0, (byte)'N', 0, 0, 0,
            0, 0, 0, 0,
        ];
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var length = payload.Length + 2;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>A real 1 × 1 PNG whose header claims <paramref name="width"/> × <paramref name="height"/>: a decompression bomb's calling card.</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        var png = Png(1, 1);
        // IHDR's data starts after the 8-byte signature, its 4-byte length and "IHDR".
        const int data = 16;
        WriteBigEndian(png, data, width);
        WriteBigEndian(png, data + 4, height);
        WriteBigEndian(png, data + 13, (int)Crc32(png.AsSpan(12, 17)));
        return png;
    }

    /// <summary>Text that says it is a PNG by its name only.</summary>
    /// <summary>A PNG of random opaque pixels: it does not compress, so its stored size is close to 4 bytes a pixel.</summary>
    public static byte[] Noise(int width, int height)
    {
        var random = new Random(7);
        using var bitmap = new SKBitmap(width, height);
        var pixels = new byte[width * height * 4];
        random.NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4)
            pixels[i] = 255;
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static byte[] NotAnImage => "this is a text file named holiday.png\n"u8.ToArray();

    public static SKColor PixelAt(byte[] image, int x, int y)
    {
        using var bitmap = SKBitmap.Decode(image);
        return bitmap.GetPixel(x, y);
    }

    public static (int Width, int Height) SizeOf(byte[] image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image));
        return (codec.Info.Width, codec.Info.Height);
    }

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var red = new SKPaint { Color = SKColors.Red };
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(0, 0, width / 2f, height, red);
            canvas.DrawRect(width / 2f, 0, width / 2f, height, blue);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 95);
        return data.ToArray();
    }

    private static void WriteBigEndian(byte[] bytes, int at, int value)
    {
        bytes[at] = (byte)(value >> 24);
        bytes[at + 1] = (byte)(value >> 16);
        bytes[at + 2] = (byte)(value >> 8);
        bytes[at + 3] = (byte)value;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
