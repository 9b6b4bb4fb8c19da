using System.Buffers.Binary;
using MedExplain.Imaging.Dicom.Codecs;

namespace MedExplain.Imaging.Dicom;

/// <summary>Turns Pixel Data into stored sample values: native in any byte order, RLE, JPEG lossless, JPEG baseline,
/// JPEG-LS and JPEG 2000.</summary>
internal static class DicomPixelDecoder
{
    /// <summary>Decodes every frame.</summary>
    /// <returns>Values i fastest, then row, frame, and colour channel slowest (RGB for colour); before rescale.</returns>
    public static (float[] Samples, PixelModule Module, string Photometric) Decode(DicomFile file)
    {
        PixelModule module = ReadModule(file);
        float[] output = MemoryLimit.NewFloats((long)module.SamplesPerFrame * module.Frames, file.Path, "the pixels");
        string photometric = DecodeInto(file, module, output);
        return (output, module, photometric);
    }

    /// <summary>Reads and checks the pixel module of a file that has Pixel Data in a syntax MedExplain decodes.</summary>
    public static PixelModule ReadModule(DicomFile file)
    {
        string path = file.Path;
        if (file.Dataset.Get(DicomTag.FloatPixelData) is { } floats)
        {
            PixelModule floatModule = PixelModule.Read(file.Dataset, floats.Value.Length, encapsulated: false, path) with { IsFloat = true };
            return floatModule.BitsAllocated == 32 && floatModule.SamplesPerPixel == 1 ? floatModule
                : throw new MedExplainInputException(path, $"has Float Pixel Data with {floatModule.BitsAllocated}-bit, {floatModule.SamplesPerPixel}-sample pixels; the standard allows 32-bit grey only.");
        }

        DicomElement pixelData = file.Dataset.Get(DicomTag.PixelData)
            ?? throw new MedExplainInputException(path, $"has no Pixel Data (7FE0,0010){DescribeSopClass(file.Dataset)}; it is not an image.");
        bool encapsulated = pixelData.Fragments is not null;
        if (file.Syntax.Codec == PixelCodec.Unsupported)
        {
            throw new MedExplainInputException(path, $"uses transfer syntax {file.Syntax.Label}, which is not supported (MedExplain decodes native, deflated, RLE, JPEG baseline, extended and lossless, JPEG-LS and JPEG 2000 pixels).");
        }

        if (encapsulated != (file.Syntax.Codec != PixelCodec.None))
        {
            throw new MedExplainInputException(path, $"has {(encapsulated ? "encapsulated" : "native")} Pixel Data under transfer syntax {file.Syntax.Label}.");
        }

        long stored = encapsulated ? pixelData.Fragments!.Sum(f => (long)f.Length) : pixelData.Value.Length;
        return PixelModule.Read(file.Dataset, stored, encapsulated, path);
    }

    /// <summary>Decodes every frame into <paramref name="output"/> (SamplesPerFrame × Frames values, layout as <see cref="Decode"/>).</summary>
    /// <returns>The photometric interpretation of the values written (RGB after colour conversion).</returns>
    public static string DecodeInto(DicomFile file, PixelModule module, Span<float> output)
    {
        string path = file.Path;
        if (module.IsFloat)
        {
            ReadOnlySpan<byte> bytes = file.Dataset.Get(DicomTag.FloatPixelData)!.Value.Span;
            for (int n = 0; n < output.Length; n++)
            {
                output[n] = file.Syntax.BigEndianPixels ? BinaryPrimitives.ReadSingleBigEndian(bytes[(4 * n)..]) : BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * n)..]);
            }

            return module.Photometric;
        }

        DicomElement pixelData = file.Dataset.Get(DicomTag.PixelData)!;
        int pixels = module.Rows * module.Columns;
        int channels = module.SamplesPerPixel;
        bool bigEndian = file.Syntax.BigEndianPixels;
        string photometric = module.Photometric;
        if (file.Syntax.Codec == PixelCodec.None && photometric != "YBR_FULL_422")
        {
            NativeInto(NativeBytes(pixelData, module, bigEndian).Span, module, bigEndian, output);
        }
        else
        {
            IReadOnlyList<ReadOnlyMemory<byte>> frames = pixelData.Fragments is { } fragments ? FrameData.Split(fragments, module.Frames, file.Syntax.Codec, path) : [];
            byte[] native422 = pixelData.Fragments is null ? pixelData.Value.ToArray() : [];
            for (int f = 0; f < module.Frames; f++)
            {
                (uint[] raw, bool planar) = file.Syntax.Codec switch
                {
                    PixelCodec.None => (Native422(native422, module, f), false),
                    PixelCodec.Rle => (RleDecoder.Decode(frames[f].Span, pixels, channels, module.BitsAllocated / 8, path), true),
                    PixelCodec.JpegLossless => (Checked(JpegLosslessDecoder.Decode(frames[f].Span, path, (module.Rows, module.Columns, channels)), module, path), false),
                    PixelCodec.JpegExtended => (Checked(JpegExtendedDecoder.Decode(frames[f].Span, path, (module.Rows, module.Columns, channels)), module, path), false),
                    PixelCodec.JpegLs => (Checked(JpegLsDecoder.Decode(frames[f].Span, path, (module.Rows, module.Columns, channels)), module, path), false),
                    PixelCodec.Jpeg2000 => (Checked(ClampedToStored(Jpeg2000Decoder.Decode(frames[f].Span, path, (module.Rows, module.Columns, channels)), module), module, path), false),
                    _ => (Checked(JpegBaselineDecoder.Decode(frames[f].Span, channels, path), module, path), false),
                };
                for (int c = 0; c < channels; c++)
                {
                    Span<float> target = output.Slice((int)((((long)c * module.Frames) + f) * pixels), pixels);
                    for (int p = 0; p < pixels; p++)
                    {
                        target[p] = module.Value(planar ? raw[(c * pixels) + p] : raw[(p * channels) + c]);
                    }
                }
            }
        }

        if ((file.Syntax.Codec == PixelCodec.JpegBaseline && channels == 3) || photometric is "YBR_RCT" or "YBR_ICT")
        {
            photometric = "RGB"; // the JPEG decoder (libjpeg-turbo, OpenJPEG) already undid the colour transform
        }
        else if (photometric is "YBR_FULL" or "YBR_FULL_422")
        {
            YbrToRgb(output, pixels * module.Frames);
            photometric = "RGB";
        }

        return photometric;
    }

    private static string DescribeSopClass(DicomDataset d) => d.Text(DicomTag.SopClassUid) is { } uid ? $" (SOP class {uid})" : string.Empty;

    /// <summary>Lossy JPEG 2000 can overshoot the stored range (4 726 in a 12-bit image, where gdcm widens Bits Stored);
    /// clamp to the range the header declares, so keeping the stored bits cannot wrap a bright overshoot into black.</summary>
    private static JpegImage ClampedToStored(JpegImage image, PixelModule module)
    {
        (int low, int high) = module.Signed ? (-(1 << (module.BitsStored - 1)), (1 << (module.BitsStored - 1)) - 1) : (0, (int)((1L << module.BitsStored) - 1));
        int[] samples = image.Samples;
        for (int n = 0; n < samples.Length; n++)
        {
            samples[n] = Math.Clamp(samples[n], low, high);
        }

        return image;
    }

    private static uint[] Checked(JpegImage image, PixelModule module, string path)
    {
        if (image.Rows != module.Rows || image.Columns != module.Columns || image.Components != module.SamplesPerPixel)
        {
            throw new MedExplainInputException(path, $"has a JPEG frame of {image.Columns}×{image.Rows}×{image.Components} where the header says {module.Columns}×{module.Rows}×{module.SamplesPerPixel}.");
        }

        return Array.ConvertAll(image.Samples, s => (uint)s);
    }

    /// <summary>Gets the native bytes; 8-bit samples that a big-endian file stored in an OW element come back word-swapped, so swap them back.</summary>
    private static ReadOnlyMemory<byte> NativeBytes(DicomElement pixelData, PixelModule module, bool bigEndian)
    {
        if (!(bigEndian && module.BitsAllocated == 8 && pixelData.Vr == "OW"))
        {
            return pixelData.Value;
        }

        byte[] bytes = pixelData.Value.ToArray();
        for (int n = 0; n + 1 < bytes.Length; n += 2)
        {
            (bytes[n], bytes[n + 1]) = (bytes[n + 1], bytes[n]);
        }

        return bytes;
    }

    /// <summary>Native samples straight into the output; whole 16-bit little-endian words take a vectorised path.</summary>
    private static void NativeInto(ReadOnlySpan<byte> data, PixelModule module, bool bigEndian, Span<float> output)
    {
        int size = module.BitsAllocated / 8;
        int count = module.SamplesPerFrame * module.Frames;
        bool wholeWords = size == 2 && module.BitsStored == 16 && !bigEndian && BitConverter.IsLittleEndian;
        if (wholeWords && module.SamplesPerPixel == 1)
        {
            ReadOnlySpan<byte> words = data[..(count * 2)];
            if (module.Signed)
            {
                System.Numerics.Tensors.TensorPrimitives.ConvertTruncating(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(words), output[..count]);
            }
            else
            {
                System.Numerics.Tensors.TensorPrimitives.ConvertTruncating(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(words), output[..count]);
            }

            return;
        }

        int pixels = module.Rows * module.Columns, channels = module.SamplesPerPixel, frames = module.Frames;
        for (int f = 0; f < frames; f++)
        {
            for (int c = 0; c < channels; c++)
            {
                Span<float> target = output.Slice(((c * frames) + f) * pixels, pixels);
                for (int p = 0; p < pixels; p++)
                {
                    int sample = (f * pixels * channels) + (module.Planar ? (c * pixels) + p : (p * channels) + c);
                    ReadOnlySpan<byte> at = data[(sample * size)..];
                    uint raw = size switch
                    {
                        1 => at[0],
                        2 => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(at) : BinaryPrimitives.ReadUInt16LittleEndian(at),
                        _ => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(at) : BinaryPrimitives.ReadUInt32LittleEndian(at),
                    };
                    target[p] = module.Value(raw);
                }
            }
        }
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
    private static void YbrToRgb(Span<float> planar, int count)
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
