using System.Buffers.Binary;
using MedExplain.Imaging.Dicom.Codecs;

namespace MedExplain.Imaging.Dicom;

/// <summary>Turns Pixel Data into stored sample values: native in any byte order, RLE, JPEG lossless, JPEG baseline.</summary>
internal static class DicomPixelDecoder
{
    /// <summary>Decodes every frame.</summary>
    /// <returns>Values i fastest, then row, frame, and colour channel slowest (RGB for colour); before rescale.</returns>
    public static (float[] Samples, PixelModule Module, string Photometric) Decode(DicomFile file)
    {
        string path = file.Path;
        DicomElement pixelData = file.Dataset.Get(DicomTag.PixelData)
            ?? throw new MedExplainInputException(path, $"has no Pixel Data (7FE0,0010){DescribeSopClass(file.Dataset)}; it is not an image.");
        bool encapsulated = pixelData.Fragments is not null;
        if (file.Syntax.Codec == PixelCodec.Unsupported)
        {
            throw new MedExplainInputException(path, $"uses transfer syntax {file.Syntax.Label}, which is not supported (MedExplain decodes native, deflated, RLE, JPEG baseline and JPEG lossless pixels).");
        }

        if (encapsulated != (file.Syntax.Codec != PixelCodec.None))
        {
            throw new MedExplainInputException(path, $"has {(encapsulated ? "encapsulated" : "native")} Pixel Data under transfer syntax {file.Syntax.Label}.");
        }

        PixelModule module = PixelModule.Read(file.Dataset, pixelData.Value.Length, encapsulated, path);
        int pixels = module.Rows * module.Columns;
        int channels = module.SamplesPerPixel;
        var output = new float[(long)pixels * module.Frames * channels];
        IReadOnlyList<ReadOnlyMemory<byte>> frames = encapsulated ? FrameData.Split(pixelData.Fragments!, module.Frames, file.Syntax.Codec, path) : [];
        byte[]? native = encapsulated ? null : NativeBytes(pixelData, module, file.Dataset.BigEndian);
        string photometric = module.Photometric;
        for (int f = 0; f < module.Frames; f++)
        {
            (uint[] raw, bool planar) = file.Syntax.Codec switch
            {
                PixelCodec.None when photometric == "YBR_FULL_422" => (Native422(native!, module, f), false),
                PixelCodec.None => (Native(native!, module, f, file.Dataset.BigEndian), module.Planar),
                PixelCodec.Rle => (RleDecoder.Decode(frames[f].Span, pixels, channels, module.BitsAllocated / 8, path), true),
                PixelCodec.JpegLossless => (Checked(JpegLosslessDecoder.Decode(frames[f].Span, path), module, path), false),
                _ => (Checked(JpegBaselineDecoder.Decode(frames[f].Span, channels, path), module, path), false),
            };
            for (int c = 0; c < channels; c++)
            {
                Span<float> target = output.AsSpan((int)((((long)c * module.Frames) + f) * pixels), pixels);
                for (int p = 0; p < pixels; p++)
                {
                    target[p] = module.Value(planar ? raw[(c * pixels) + p] : raw[(p * channels) + c]);
                }
            }
        }

        if (file.Syntax.Codec == PixelCodec.JpegBaseline && channels == 3)
        {
            photometric = "RGB"; // the JPEG decoder already converted YCbCr
        }
        else if (photometric is "YBR_FULL" or "YBR_FULL_422")
        {
            YbrToRgb(output, pixels * module.Frames);
            photometric = "RGB";
        }

        return (output, module, photometric);
    }

    private static string DescribeSopClass(DicomDataset d) => d.Text(DicomTag.SopClassUid) is { } uid ? $" (SOP class {uid})" : string.Empty;

    private static uint[] Checked(JpegImage image, PixelModule module, string path)
    {
        if (image.Rows != module.Rows || image.Columns != module.Columns || image.Components != module.SamplesPerPixel)
        {
            throw new MedExplainInputException(path, $"has a JPEG frame of {image.Columns}×{image.Rows}×{image.Components} where the header says {module.Columns}×{module.Rows}×{module.SamplesPerPixel}.");
        }

        return Array.ConvertAll(image.Samples, s => (uint)s);
    }

    /// <summary>Gets the native bytes; 8-bit samples that a big-endian file stored in an OW element come back word-swapped, so swap them back.</summary>
    private static byte[] NativeBytes(DicomElement pixelData, PixelModule module, bool bigEndian)
    {
        byte[] bytes = pixelData.Value.ToArray();
        if (bigEndian && module.BitsAllocated == 8 && pixelData.Vr == "OW")
        {
            for (int n = 0; n + 1 < bytes.Length; n += 2)
            {
                (bytes[n], bytes[n + 1]) = (bytes[n + 1], bytes[n]);
            }
        }

        return bytes;
    }

    private static uint[] Native(byte[] bytes, PixelModule module, int frame, bool bigEndian)
    {
        int size = module.BitsAllocated / 8;
        int count = module.SamplesPerFrame;
        ReadOnlySpan<byte> data = bytes.AsSpan((int)((long)frame * count * size), count * size);
        var samples = new uint[count];
        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<byte> at = data[(n * size)..];
            samples[n] = size switch
            {
                1 => at[0],
                2 => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(at) : BinaryPrimitives.ReadUInt16LittleEndian(at),
                _ => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(at) : BinaryPrimitives.ReadUInt32LittleEndian(at),
            };
        }

        return samples;
    }

    /// <summary>YBR_FULL_422 native: each pair of pixels is stored Y1 Y2 Cb Cr; expand to Y Cb Cr per pixel.</summary>
    private static uint[] Native422(byte[] bytes, PixelModule module, int frame)
    {
        int pixels = module.Rows * module.Columns;
        int frameBytes = pixels * 2;
        ReadOnlySpan<byte> data = bytes.AsSpan(frame * frameBytes, frameBytes);
        var samples = new uint[pixels * 3];
        for (int p = 0; p + 1 < pixels; p += 2)
        {
            ReadOnlySpan<byte> group = data.Slice(p * 2, 4);
            samples[3 * p] = group[0];
            samples[(3 * p) + 3] = group[1];
            samples[(3 * p) + 1] = samples[(3 * p) + 4] = group[2];
            samples[(3 * p) + 2] = samples[(3 * p) + 5] = group[3];
        }

        return samples;
    }

    /// <summary>YBR_FULL to RGB (PS3.3 C.7.6.3.1.2), 8-bit, in place on planar data.</summary>
    private static void YbrToRgb(float[] planar, int count)
    {
        for (int n = 0; n < count; n++)
        {
            double y = planar[n], cb = planar[count + n] - 128, cr = planar[(2 * count) + n] - 128;
            planar[n] = Clamp8(y + (1.402 * cr));
            planar[count + n] = Clamp8(y - (0.344136 * cb) - (0.714136 * cr));
            planar[(2 * count) + n] = Clamp8(y + (1.772 * cb));
        }
    }

    private static float Clamp8(double v) => (float)Math.Clamp(Math.Round(v), 0, 255);
}
