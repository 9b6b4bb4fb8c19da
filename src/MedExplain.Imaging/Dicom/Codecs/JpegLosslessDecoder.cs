namespace MedExplain.Imaging.Dicom.Codecs;

/// <summary>Decodes JPEG lossless, process 14 (ITU T.81 annex H): Huffman-coded differences from one of seven predictors.</summary>
/// <remarks>Covers what DICOM uses: 2 to 16 bits, one or three components (not subsampled), any predictor, point transform, restart intervals of whole lines.</remarks>
internal static class JpegLosslessDecoder
{
    /// <summary>Decodes a code stream into samples, components interleaved per pixel.</summary>
    /// <param name="data">The JPEG stream, SOI to EOI.</param>
    /// <param name="path">The file, for messages.</param>
    /// <param name="expected">The size the DICOM header declares; a stream that says otherwise is refused before anything is allocated.</param>
    public static JpegImage Decode(ReadOnlySpan<byte> data, string path, (int Rows, int Columns, int Components) expected)
    {
        var tables = new HuffmanTable?[4];
        Frame? frame = null;
        int restartInterval = 0;
        int position = 2;
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            throw Corrupt(path, "it does not start with a JPEG SOI marker");
        }

        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF)
            {
                throw Corrupt(path, $"a marker was expected at byte {position}");
            }

            byte marker = data[position + 1];
            position += 2;
            if (marker is 0xFF or 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            {
                position -= marker == 0xFF ? 1 : 0;
                continue;
            }

            if (marker == 0xD9)
            {
                break;
            }

            int length = (data[position] << 8) | data[position + 1];
            if (length < 2 || position + length > data.Length)
            {
                throw Corrupt(path, $"marker segment FF{marker:X2} runs past the end");
            }

            ReadOnlySpan<byte> segment = data.Slice(position + 2, length - 2);
            position += length;
            switch (marker)
            {
                case 0xC3: frame = Frame.Parse(segment, path, expected); break;
                case >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC:
                    throw new MedExplainInputException(path, $"holds a JPEG stream of process SOF{marker - 0xC0}, not lossless process 14 as its transfer syntax says.");
                case 0xC4: HuffmanTable.ParseInto(segment, tables, path); break;
                case 0xDD: restartInterval = segment.Length >= 2 ? (segment[0] << 8) | segment[1] : 0; break;
                case 0xDA:
                    if (frame is null)
                    {
                        throw Corrupt(path, "the scan comes before the frame header");
                    }

                    position = DecodeScan(data, position, segment, frame, tables, restartInterval, path);
                    return new JpegImage(frame.Rows, frame.Columns, frame.Components, frame.Precision, frame.Samples);
                default: break; // APPn, COM, DQT: nothing lossless decoding needs
            }
        }

        throw Corrupt(path, "it ends before a scan");
    }

    private static int DecodeScan(ReadOnlySpan<byte> data, int position, ReadOnlySpan<byte> header, Frame frame, HuffmanTable?[] tables, int restartInterval, string path)
    {
        int components = header.IsEmpty ? 0 : header[0];
        if (components != frame.Components || header.Length < 1 + (2 * components) + 3)
        {
            throw new MedExplainInputException(path, $"has a JPEG lossless scan with {components} of {frame.Components} components; non-interleaved scans are not supported.");
        }

        var scanTables = new HuffmanTable[components];
        for (int c = 0; c < components; c++)
        {
            int id = header[2 + (2 * c)] >> 4;
            scanTables[c] = tables[id & 3] ?? throw Corrupt(path, $"the scan uses Huffman table {id}, which is not defined");
        }

        int predictor = header[1 + (2 * components)];
        int pointTransform = header[3 + (2 * components)] & 0x0F;
        int columns = frame.Columns;
        if (predictor is < 1 or > 7)
        {
            throw Corrupt(path, $"predictor {predictor} is not 1 to 7");
        }

        if (restartInterval > 0 && restartInterval % columns != 0)
        {
            throw new MedExplainInputException(path, $"uses a JPEG restart interval of {restartInterval} pixels, not whole lines of {columns}; not supported.");
        }

        var bits = new BitReader(data, position);
        int[] samples = frame.Samples;
        int initial = 1 << (frame.Precision - pointTransform - 1);
        int intervalRows = restartInterval / columns;
        for (int row = 0; row < frame.Rows; row++)
        {
            bool firstLine = row == 0;
            if (intervalRows > 0 && row > 0 && row % intervalRows == 0)
            {
                bits.Restart(path);
                firstLine = true;
            }

            for (int x = 0; x < columns; x++)
            {
                int at = ((row * columns) + x) * components;
                for (int c = 0; c < components; c++)
                {
                    int prediction = firstLine
                        ? (x == 0 ? initial : samples[at + c - components])
                        : x == 0 ? samples[at + c - (columns * components)]
                        : Predict(predictor, samples[at + c - components], samples[at + c - (columns * components)], samples[at + c - ((columns + 1) * components)]);
                    int category = scanTables[c].Decode(ref bits, path);
                    int difference = category switch
                    {
                        0 => 0,
                        16 => 32768,
                        > 16 => throw Corrupt(path, $"difference category {category} is above 16"),
                        _ => Extend(bits.Read(category), category),
                    };
                    samples[at + c] = (prediction + difference) & 0xFFFF;
                }
            }
        }

        if (bits.Missing > 2)
        {
            throw new MedExplainInputException(path, $"is truncated: its JPEG lossless stream ends {bits.Missing} bytes before the last row (a partial image is not read as a whole one).");
        }

        if (pointTransform > 0)
        {
            for (int n = 0; n < samples.Length; n++)
            {
                samples[n] <<= pointTransform;
            }
        }

        return bits.Position;
    }

    private static int Predict(int selection, int a, int b, int c) => selection switch
    {
        1 => a,
        2 => b,
        3 => c,
        4 => a + b - c,
        5 => a + ((b - c) >> 1),
        6 => b + ((a - c) >> 1),
        _ => (a + b) >> 1,
    };

    private static int Extend(int value, int category) => value < (1 << (category - 1)) ? value - (1 << category) + 1 : value;

    private static MedExplainInputException Corrupt(string path, string why) => new(path, $"has a corrupt JPEG lossless stream: {why}.");

    private sealed class Frame
    {
        public required int Precision { get; init; }

        public required int Rows { get; init; }

        public required int Columns { get; init; }

        public required int Components { get; init; }

        public required int[] Samples { get; init; }

        public static Frame Parse(ReadOnlySpan<byte> s, string path, (int Rows, int Columns, int Components) expected)
        {
            if (s.Length < 6)
            {
                throw Corrupt(path, "the frame header is short");
            }

            int precision = s[0], rows = (s[1] << 8) | s[2], columns = (s[3] << 8) | s[4], components = s[5];
            if (precision is < 2 or > 16 || rows == 0 || columns == 0 || components is not (1 or 3) || s.Length < 6 + (3 * components))
            {
                throw Corrupt(path, $"frame header {columns}×{rows}, {components} components of {precision} bits is out of range");
            }

            if ((rows, columns, components) != expected)
            {
                throw new MedExplainInputException(path, $"has a JPEG frame of {columns}×{rows}×{components} where the header says {expected.Columns}×{expected.Rows}×{expected.Components}.");
            }

            for (int c = 0; c < components; c++)
            {
                if (s[7 + (3 * c)] != 0x11)
                {
                    throw new MedExplainInputException(path, "has a subsampled JPEG lossless stream; not supported.");
                }
            }

            return new Frame { Precision = precision, Rows = rows, Columns = columns, Components = components, Samples = new int[rows * columns * components] };
        }
    }
}

/// <summary>A decoded JPEG image: samples interleaved per pixel.</summary>
/// <param name="Rows">Height.</param>
/// <param name="Columns">Width.</param>
/// <param name="Components">Samples per pixel.</param>
/// <param name="Precision">Bits per sample.</param>
/// <param name="Samples">The samples.</param>
internal sealed record JpegImage(int Rows, int Columns, int Components, int Precision, int[] Samples);
