using System.Runtime.InteropServices;

namespace MedExplain.Imaging.Dicom.Codecs;

/// <summary>Decodes JPEG 2000 frames (Part 1, lossless and lossy, and High-Throughput JPEG 2000) with OpenJPEG, the
/// reference implementation Debian ships as libopenjp2-7, reading the frame from memory. A colour transform in the
/// code stream (DICOM's YBR_RCT/YBR_ICT) is undone by OpenJPEG, so colour comes out as RGB.</summary>
internal static unsafe class Jpeg2000Decoder
{
    private const int CodecJ2k = 0, CodecJp2 = 2;

    private static readonly NativeCodecLibrary OpenJpeg = new("JPEG 2000", "libopenjp2-7", "libopenjp2.so.7", "libopenjp2.so", "openjp2", "libopenjp2.7.dylib");

    /// <summary>Decodes one frame to samples, components interleaved per pixel.</summary>
    /// <param name="data">The code stream (J2K, or a JP2 file).</param>
    /// <param name="path">The file, for messages.</param>
    /// <param name="expected">The size the DICOM header declares; a stream that says otherwise is refused before decoding.</param>
    public static JpegImage Decode(ReadOnlySpan<byte> data, string path, (int Rows, int Columns, int Components) expected)
    {
        var createDecompress = (delegate* unmanaged<int, IntPtr>)OpenJpeg.Export("opj_create_decompress", path);
        var defaults = (delegate* unmanaged<byte*, void>)OpenJpeg.Export("opj_set_default_decoder_parameters", path);
        var setup = (delegate* unmanaged<IntPtr, byte*, int>)OpenJpeg.Export("opj_setup_decoder", path);
        var streamCreate = (delegate* unmanaged<nuint, int, IntPtr>)OpenJpeg.Export("opj_stream_create", path);
        var setRead = (delegate* unmanaged<IntPtr, IntPtr, void>)OpenJpeg.Export("opj_stream_set_read_function", path);
        var setSkip = (delegate* unmanaged<IntPtr, IntPtr, void>)OpenJpeg.Export("opj_stream_set_skip_function", path);
        var setSeek = (delegate* unmanaged<IntPtr, IntPtr, void>)OpenJpeg.Export("opj_stream_set_seek_function", path);
        var setUserData = (delegate* unmanaged<IntPtr, void*, IntPtr, void>)OpenJpeg.Export("opj_stream_set_user_data", path);
        var setLength = (delegate* unmanaged<IntPtr, ulong, void>)OpenJpeg.Export("opj_stream_set_user_data_length", path);
        var readHeader = (delegate* unmanaged<IntPtr, IntPtr, Image**, int>)OpenJpeg.Export("opj_read_header", path);
        var decode = (delegate* unmanaged<IntPtr, IntPtr, Image*, int>)OpenJpeg.Export("opj_decode", path);
        var endDecompress = (delegate* unmanaged<IntPtr, IntPtr, int>)OpenJpeg.Export("opj_end_decompress", path);
        var destroyImage = (delegate* unmanaged<Image*, void>)OpenJpeg.Export("opj_image_destroy", path);
        var destroyCodec = (delegate* unmanaged<IntPtr, void>)OpenJpeg.Export("opj_destroy_codec", path);
        var destroyStream = (delegate* unmanaged<IntPtr, void>)OpenJpeg.Export("opj_stream_destroy", path);

        bool jp2 = data.Length >= 12 && data[4] == (byte)'j' && data[5] == (byte)'P' && data[6] == (byte)' ' && data[7] == (byte)' ';
        IntPtr codec = createDecompress(jp2 ? CodecJp2 : CodecJ2k);
        IntPtr stream = IntPtr.Zero;
        Image* image = null;
        try
        {
            // opj_dparameters_t is about 8.3 KB in OpenJPEG 2.x; a larger zeroed block leaves room for later versions.
            byte* parameters = stackalloc byte[32 * 1024];
            new Span<byte>(parameters, 32 * 1024).Clear();
            defaults(parameters);
            Require(setup(codec, parameters), path, "its decoder could not be set up");
            fixed (byte* bytes = data)
            {
                var source = new MemorySource { Data = bytes, Length = data.Length };
                stream = streamCreate(64 * 1024, 1);
                setRead(stream, (IntPtr)(delegate* unmanaged<byte*, nuint, MemorySource*, nuint>)&Read);
                setSkip(stream, (IntPtr)(delegate* unmanaged<long, MemorySource*, long>)&Skip);
                setSeek(stream, (IntPtr)(delegate* unmanaged<long, MemorySource*, int>)&Seek);
                setUserData(stream, &source, IntPtr.Zero);
                setLength(stream, (ulong)data.Length);
                Require(readHeader(stream, codec, &image), path, "its header cannot be read");
                CheckSize(image, path, expected);
                Require(decode(codec, stream, image), path, "its code stream is corrupt or cut short");
                Require(endDecompress(codec, stream), path, "its code stream ends wrongly");
            }

            return Samples(image, path);
        }
        finally
        {
            if (image != null)
            {
                destroyImage(image);
            }

            if (stream != IntPtr.Zero)
            {
                destroyStream(stream);
            }

            destroyCodec(codec);
        }
    }

    private static void CheckSize(Image* image, string path, (int Rows, int Columns, int Components) expected)
    {
        long width = (long)image->X1 - image->X0, height = (long)image->Y1 - image->Y0;
        if (height != expected.Rows || width != expected.Columns || image->NumComps != expected.Components)
        {
            throw new MedExplainInputException(path, $"has a JPEG 2000 frame of {width}×{height}×{image->NumComps} where the header says {expected.Columns}×{expected.Rows}×{expected.Components}.");
        }

        for (int c = 0; c < image->NumComps; c++)
        {
            Component* component = &image->Comps[c];
            if (component->Dx != 1 || component->Dy != 1 || component->Prec is < 1 or > 16)
            {
                throw new MedExplainInputException(path, $"has a JPEG 2000 component {c} subsampled {component->Dx}×{component->Dy} at {component->Prec} bits; DICOM allows full-resolution components of up to 16 bits.");
            }
        }
    }

    /// <summary>Interleaves the decoded planes (lossy ones may overshoot the stored range: the caller clamps).</summary>
    private static JpegImage Samples(Image* image, string path)
    {
        int width = (int)(image->X1 - image->X0), height = (int)(image->Y1 - image->Y0), components = (int)image->NumComps;
        var samples = new int[width * height * components];
        for (int c = 0; c < components; c++)
        {
            Component* component = &image->Comps[c];
            if (component->Data == null || component->W != width || component->H != height)
            {
                throw new MedExplainInputException(path, "has a JPEG 2000 frame that decoded to fewer samples than it declares.");
            }

            for (int n = 0; n < width * height; n++)
            {
                samples[(n * components) + c] = component->Data[n];
            }
        }

        return new JpegImage(height, width, components, (int)image->Comps[0].Prec, samples);
    }

    private static void Require(int ok, string path, string problem)
    {
        if (ok == 0)
        {
            throw new MedExplainInputException(path, $"has a JPEG 2000 frame that OpenJPEG cannot decode: {problem}.");
        }
    }

    [UnmanagedCallersOnly]
    private static nuint Read(byte* buffer, nuint count, MemorySource* source)
    {
        long left = source->Length - source->Position;
        if (left <= 0)
        {
            return unchecked((nuint)(-1)); // OpenJPEG's end of stream
        }

        int take = (int)Math.Min((long)count, left);
        new ReadOnlySpan<byte>(source->Data + source->Position, take).CopyTo(new Span<byte>(buffer, take));
        source->Position += take;
        return (nuint)take;
    }

    [UnmanagedCallersOnly]
    private static long Skip(long count, MemorySource* source)
    {
        long target = Math.Clamp(source->Position + count, 0, source->Length);
        long skipped = target - source->Position;
        source->Position = target;
        return skipped;
    }

    [UnmanagedCallersOnly]
    private static int Seek(long position, MemorySource* source)
    {
        if (position < 0 || position > source->Length)
        {
            return 0;
        }

        source->Position = position;
        return 1;
    }

    private struct MemorySource
    {
        public byte* Data;
        public long Length;
        public long Position;
    }

    // opj_image_t and opj_image_comp_t of OpenJPEG 2.x (their layout is part of its stable ABI).
    [StructLayout(LayoutKind.Sequential)]
    private struct Image
    {
        public uint X0;
        public uint Y0;
        public uint X1;
        public uint Y1;
        public uint NumComps;
        public int ColorSpace;
        public Component* Comps;
        public byte* IccProfile;
        public uint IccProfileLength;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Component
    {
        public uint Dx;
        public uint Dy;
        public uint W;
        public uint H;
        public uint X0;
        public uint Y0;
        public uint Prec;
        public uint Bpp;
        public uint Sgnd;
        public uint ResNoDecoded;
        public uint Factor;
        public int* Data;
        public ushort Alpha;
    }
}
