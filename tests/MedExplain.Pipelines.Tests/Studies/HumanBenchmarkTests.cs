using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;
using MedExplain.Imaging.Samples;
using MedExplain.Pipelines.Studies;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests.Studies;

/// <summary>The human benchmark: maps scored against drawings with the localisation metrics, worked out by hand.</summary>
public sealed class HumanBenchmarkTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Of_MapsAgainstDrawings_GivesTheLocalisationMetricsPerMethod()
    {
        // A 10×10 slice; the drawing marks the 2×2 block at (0..1, 0..1). "inside" puts all relevance there, "half"
        // puts equal relevance on the block and on a 2×2 block far away (peak on the far block), "outside" none there.
        var scan = new MedicalImage([10, 10, 1], 1, new float[100], MedExplain.Imaging.Geometry.Affine.Identity, new ImageMetadata { Format = "NIfTI-1", Source = "scan.nii.gz", DataType = "float32" });
        int[] block = [0, 1, 10, 11], far = [88, 89, 98, 99];
        float[] drawn = new float[100], inside = new float[100], half = new float[100], outside = new float[100];
        foreach (int n in block)
        {
            drawn[n] = 1;
            inside[n] = 1;
            half[n] = 1;
        }

        foreach (int n in far)
        {
            half[n] = 2;
            outside[n] = 1;
        }

        NiftiWriter.Write(_temp.File("scan.nii.gz"), scan);
        NiftiWriter.Write(_temp.File("inside.nii.gz"), scan.WithVoxels(inside));
        NiftiWriter.Write(_temp.File("half.nii.gz"), scan.WithVoxels(half));
        NiftiWriter.Write(_temp.File("outside.nii.gz"), scan.WithVoxels(outside));
        _temp.Write("study.json", """
            { "study": "s", "scale": { "min": 1, "max": 5 },
              "cases": [ { "id": "c", "scan": "scan.nii.gz", "maps": { "inside": "inside.nii.gz", "half": "half.nii.gz", "outside": "outside.nii.gz" } } ] }
            """);
        using var bytes = new MemoryStream();
        NiftiWriter.WriteTo(bytes, scan.WithVoxels(drawn), compress: true, SampleType.UInt8);
        using var empty = new MemoryStream();
        NiftiWriter.WriteTo(empty, scan.WithVoxels(new float[100]), compress: true, SampleType.UInt8);

        IReadOnlyList<MethodAgainstExperts> scores = HumanBenchmark.Of(StudyDesign.Load(_temp.File("study.json")),
            [("r1", "c", bytes.ToArray()), ("r2", "c", empty.ToArray()), ("r1", "no-such-case", bytes.ToArray())]);

        Assert.Equal(["half", "inside", "outside"], scores.Select(s => s.Method));
        Assert.All(scores, s => Assert.Equal(1, s.Drawings));
        MethodAgainstExperts h = scores[0], i = scores[1], o = scores[2];
        Assert.Equal((1, 1, 1), (i.PointingGame, i.RelevanceMass, i.RelevanceRank));
        Assert.Equal((0, 4.0 / 12, 0), (h.PointingGame, h.RelevanceMass, h.RelevanceRank));
        Assert.Equal((0, 0, 0), (o.PointingGame, o.RelevanceMass, o.RelevanceRank));
    }

    [Fact]
    public void Read_BytesThatAreNotGzippedNifti_AreRefusedNamingTheDrawing()
    {
        var error = Assert.Throws<MedExplainInputException>(() => HumanBenchmark.Read([1, 2, 3, 4], "drawing of case c by r1"));
        Assert.Contains("drawing of case c by r1", error.Message, StringComparison.Ordinal);
    }
}
