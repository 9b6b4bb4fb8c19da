using System.Runtime.InteropServices;

namespace MedExplain.Imaging.Dicom.Codecs;

/// <summary>Decodes JPEG-LS frames (lossless and near-lossless, ITU T.87) with CharLS, the reference implementation
/// Debian ships as libcharls2, through its C API.</summary>
internal static unsafe class JpegLsDecoder
{
    private static readonly NativeCodecLibrary CharLs = new("JPEG-LS", "libcharls2", "libcharls.so.2", "libcharls.so", "charls", "libcharls.2.dylib");

    /// <summary>Decodes one frame to samples, components interleaved per pixel.</summary>
    /// <param name="data">The JPEG-LS stream, SOI to EOI.</param>
    /// <param name="path">The file, for messages.</param>
    /// <param name="expected">The size the DICOM header declares; a stream that says otherwise is refused before decoding.</param>
    public static JpegImage Decode(ReadOnlySpan<byte> data, string path, (int Rows, int Columns, int Components) expected)
    {
        var create = (delegate* unmanaged<IntPtr>)CharLs.Export("charls_jpegls_decoder_create", path);
        var destroy = (delegate* unmanaged<IntPtr, void>)CharLs.Export("charls_jpegls_decoder_destroy", path);
        var setSource = (delegate* unmanaged<IntPtr, byte*, nuint, int>)CharLs.Export("charls_jpegls_decoder_set_source_buffer", path);
        var readHeader = (delegate* unmanaged<IntPtr, int>)CharLs.Export("charls_jpegls_decoder_read_header", path);
        var frameInfo = (delegate* unmanaged<IntPtr, FrameInfo*, int>)CharLs.Export("charls_jpegls_decoder_get_frame_info", path);
        var interleave = (delegate* unmanaged<IntPtr, int*, int>)CharLs.Export("charls_jpegls_decoder_get_interleave_mode", path);
        var size = (delegate* unmanaged<IntPtr, uint, nuint*, int>)CharLs.Export("charls_jpegls_decoder_get_destination_size", path);
        var decode = (delegate* unmanaged<IntPtr, byte*, nuint, uint, int>)CharLs.Export("charls_jpegls_decoder_decode_to_buffer", path);

        IntPtr decoder = create();
        if (decoder == IntPtr.Zero)
        {
            throw new InvalidOperationException("CharLS could not create a decoder (out of memory).");
        }

        try
        {
            fixed (byte* source = data)
            {
                Check(setSource(decoder, source, (nuint)data.Length), path);
                Check(readHeader(decoder), path);
                FrameInfo info;
                Check(frameInfo(decoder, &info), path);
                if (info.Height != expected.Rows || info.Width != expected.Columns || info.ComponentCount != expected.Components || info.BitsPerSample is < 2 or > 16)
                {
                    throw new MedExplainInputException(path, $"has a JPEG-LS frame of {info.Width}×{info.Height}×{info.ComponentCount} at {info.BitsPerSample} bits where the header says {expected.Columns}×{expected.Rows}×{expected.Components}.");
                }

                int mode;
                Check(interleave(decoder, &mode), path);
                nuint bytes;
                Check(size(decoder, 0, &bytes), path);
                byte[] decoded = new byte[checked((int)bytes)];
                fixed (byte* destination = decoded)
                {
                    Check(decode(decoder, destination, bytes, 0), path);
                }

                return new JpegImage((int)info.Height, (int)info.Width, info.ComponentCount, info.BitsPerSample, Interleaved(decoded, info, mode));
            }
        }
        finally
        {
            destroy(decoder);
        }
    }

    /// <summary>CharLS writes the samples of a non-interleaved stream plane after plane, and those of line- and
    /// sample-interleaved streams pixel by pixel; one byte each up to 8 bits, else two, little-endian.</summary>
    private static int[] Interleaved(byte[] decoded, FrameInfo info, int mode)
    {
        int width = (int)info.Width, height = (int)info.Height, components = info.ComponentCount;
        bool wide = info.BitsPerSample > 8;
        int Sample(int index) => wide ? decoded[2 * index] | (decoded[(2 * index) + 1] << 8) : decoded[index];
        var samples = new int[width * height * components];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < components; c++)
                {
                    int from = mode == 0 ? (((c * height) + y) * width) + x : (((y * width) + x) * components) + c;
                    samples[(((y * width) + x) * components) + c] = Sample(from);
                }
            }
        }

        return samples;
    }

    private static void Check(int error, string path)
    {
        if (error == 0)
        {
            return;
        }

        var message = (delegate* unmanaged<int, byte*>)CharLs.Export("charls_get_error_message", path);
        string text = Marshal.PtrToStringUTF8((IntPtr)message(error)) ?? $"error {error}";
        throw new MedExplainInputException(path, $"has a JPEG-LS frame that CharLS cannot decode: {text.TrimEnd('.')}.");
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct FrameInfo
    {
        public uint Width;
        public uint Height;
        public int BitsPerSample;
        public int ComponentCount;
    }
}
