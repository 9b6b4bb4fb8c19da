using System.Globalization;
using MedExplain.Imaging.Dicom;
using MedExplain.Imaging.Geometry;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Dicom;

/// <summary>
/// Enhanced multi-frame files (written by dcmtk's dump2dcm from functional groups we state, so the truth is what we
/// wrote): frames stored out of order come back sorted along the normal, each with its own rescale, one volume per stack
/// or repeated position, with the affine the positions and orientation define; broken functional groups are refused.
/// </summary>
public sealed class DicomEnhancedTests : IDisposable
{
    private const int Rows = 4, Columns = 5;

    // Oblique rows and columns (30° about z), 0.5 × 0.6 mm pixels; the normal is +z.
    private static readonly double[] RowDirection = [0.8660254, 0.5, 0], ColumnDirection = [-0.5, 0.8660254, 0];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void TwoStacksStoredOutOfOrder_ReadAsTwoSortedVolumesWithPerFrameRescale()
    {
        // File order: stack 1 at z 14, 10, 12; stack 2 at z 114, 110, 112.
        Frame[] frames = [new("1", 14), new("1", 10), new("1", 12), new("2", 114), new("2", 110), new("2", 112)];
        DicomFixture fixture = Enhanced(frames);
        string file = fixture.Write(_temp, "enhanced");

        MedicalImage first = DicomImageReader.Read(file);
        MedicalImage second = DicomImageReader.Read(file, volume: 1);

        Assert.Equal([Columns, Rows, 3], first.Dims);
        int[] stackOneBySlice = [1, 2, 0]; // z 10, 12, 14
        int[] stackTwoBySlice = [4, 5, 3];
        for (int k = 0; k < 3; k++)
        {
            AssertSlice(fixture, first, k, stackOneBySlice[k]);
            AssertSlice(fixture, second, k, stackTwoBySlice[k]);
        }

        var expected = Affine.FromColumns(
            new Vector3d(RowDirection[0] * 0.6, RowDirection[1] * 0.6, 0),
            new Vector3d(ColumnDirection[0] * 0.5, ColumnDirection[1] * 0.5, 0),
            new Vector3d(0, 0, 2),
            new Vector3d(-5, -7, 10)).FlipLpsRas();
        Assert.True(expected.MaxDifference(first.Affine) < 1e-6, first.Affine.ToString());
        Assert.Contains(first.Metadata.Warnings, w => w.Contains("holds 2 volume(s) in 6 frames", StringComparison.Ordinal));
        Assert.Equal("2 volume(s) in 6 frames: 0: stack 1, 3 frames; 1: stack 2, 3 frames", first.Metadata.Properties["enhancedFrames"]);
        Assert.Equal("stack 2", second.Metadata.Properties["enhancedVolume"]);
    }

    [SkippableFact]
    public void AVolumeThatIsNotThere_ListsTheOnesThatAre()
    {
        string file = Enhanced([new("1", 0), new("2", 0)]).Write(_temp, "two");

        var error = Assert.Throws<MedExplainParameterException>(() => DicomImageReader.Read(file, volume: 2));

        Assert.Equal("volume", error.Parameter);
        Assert.Contains("0: stack 1; 1: stack 2", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void TwoEchoesAtEachPosition_SplitIntoTwoVolumesInFileOrder()
    {
        Frame[] frames = [new(null, 0), new(null, 0), new(null, 3), new(null, 3)];
        DicomFixture fixture = Enhanced(frames);
        string file = fixture.Write(_temp, "echoes");

        MedicalImage echo1 = DicomImageReader.Read(file), echo2 = DicomImageReader.Read(file, volume: 1);

        AssertSlice(fixture, echo1, 0, 0);
        AssertSlice(fixture, echo1, 1, 2);
        AssertSlice(fixture, echo2, 0, 1);
        AssertSlice(fixture, echo2, 1, 3);
        Assert.Equal(3, echo1.Affine[2, 2], 6);
    }

    [SkippableFact]
    public void JpegLsCompressedEnhancedFrames_ReadTheSame()
    {
        Frame[] frames = [new("1", 4), new("1", 0), new("1", 2)];
        DicomFixture fixture = Enhanced(frames);
        string native = fixture.Write(_temp, "native");
        string compressed = DicomFixture.Convert(_temp, native, "dcmcjpls", "dcmtk", "+el");

        Assert.Equal(DicomImageReader.Read(native).Voxels, DicomImageReader.Read(compressed).Voxels);
    }

    [SkippableFact]
    public void AFrameWithoutAPlanePosition_IsRefusedByNumber()
    {
        string file = Enhanced([new("1", 0), new("1", 2, Positioned: false)]).Write(_temp, "unplaced");

        var error = Assert.Throws<MedExplainInputException>(() => DicomImageReader.Read(file));

        Assert.Contains("frame 2 has no Plane Position", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void FewerFunctionalGroupItemsThanFrames_IsRefused()
    {
        DicomFixture fixture = Enhanced([new("1", 0), new("1", 2)]) with { Frames = 3, Stored = DicomFixture.RandomValues(Rows * Columns * 3, 12, false, 1) };
        string file = fixture.Write(_temp, "short");

        var error = Assert.Throws<MedExplainInputException>(() => DicomImageReader.Read(file));

        Assert.Contains("2 per-frame functional group items for 3 frames", error.Message, StringComparison.Ordinal);
    }

    private static void AssertSlice(DicomFixture fixture, MedicalImage image, int slice, int fileFrame)
    {
        double slope = Slope(fileFrame), intercept = Intercept(fileFrame);
        for (int j = 0; j < Rows; j++)
        {
            for (int i = 0; i < Columns; i++)
            {
                double expected = (fixture.StoredAt(i, j, fileFrame, 0) * slope) + intercept;
                Assert.Equal(expected, image.Voxels[image.Index(i, j, slice)], 3);
            }
        }
    }

    private static double Slope(int frame) => 1 + (0.5 * frame);

    private static double Intercept(int frame) => -100 * frame;

    /// <summary>An enhanced MR object: orientation and pixel measures shared, position, rescale and stack per frame.</summary>
    private static DicomFixture Enhanced(IReadOnlyList<Frame> frames)
    {
        static string Ds(params double[] values) => string.Join('\\', values.Select(v => v.ToString("0.#######", CultureInfo.InvariantCulture)));
        static IEnumerable<string> Sequence(string tag, IEnumerable<string> item) =>
            [$"({tag}) SQ (Sequence with undefined length)", "(fffe,e000) na (Item with undefined length)", .. item, "(fffe,e00d) na (ItemDelimitationItem)", "(fffe,e0dd) na (SequenceDelimitationItem)"];

        List<string> lines = ["(0008,0016) UI [1.2.840.10008.5.1.4.1.1.4.1]"];
        lines.AddRange(Sequence("5200,9229", [
            .. Sequence("0020,9116", [$"(0020,0037) DS [{Ds([.. RowDirection, .. ColumnDirection])}]"]),
            .. Sequence("0028,9110", ["(0028,0030) DS [0.5\\0.6]", "(0018,0050) DS [2]"]),
        ]));
        lines.Add("(5200,9230) SQ (Sequence with undefined length)");
        for (int f = 0; f < frames.Count; f++)
        {
            lines.Add("(fffe,e000) na (Item with undefined length)");
            if (frames[f].Stack is { } stack)
            {
                lines.AddRange(Sequence("0020,9111", [$"(0020,9056) SH [{stack}]"]));
            }

            if (frames[f].Positioned)
            {
                lines.AddRange(Sequence("0020,9113", [$"(0020,0032) DS [{Ds(-5, -7, frames[f].Z)}]"]));
            }

            lines.AddRange(Sequence("0028,9145", [$"(0028,1052) DS [{Ds(Intercept(f))}]", $"(0028,1053) DS [{Ds(Slope(f))}]"]));
            lines.Add("(fffe,e00d) na (ItemDelimitationItem)");
        }

        lines.Add("(fffe,e0dd) na (SequenceDelimitationItem)");
        return new DicomFixture
        {
            Rows = Rows,
            Columns = Columns,
            Frames = frames.Count,
            BitsStored = 12,
            Modality = "MR",
            Stored = DicomFixture.RandomValues(Rows * Columns * frames.Count, 12, isSigned: false, seed: frames.Count),
            ExtraLines = lines,
        };
    }

    private sealed record Frame(string? Stack, double Z, bool Positioned = true);
}
