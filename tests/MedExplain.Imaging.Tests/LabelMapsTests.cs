using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Nifti;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests;

/// <summary>Label maps are placed on their scan by where they lie: masks flipped, resampled or shifted on purpose are
/// resampled when their affines say the same space, and refused when they cannot be placed.</summary>
public sealed class LabelMapsTests : IDisposable
{
    private static readonly Affine ScanAffine = new([2, 0, 0, -10, 0, 2, 0, -8, 0, 0, 3, 5, 0, 0, 0, 1]);
    private readonly TempDirectory _temp = new();
    private readonly MedicalImage _scan;
    private readonly float[] _mask;

    public LabelMapsTests()
    {
        // A 6×4×2 scan; its mask marks a few voxels asymmetrically, so any flip shows.
        _mask = new float[6 * 4 * 2];
        foreach (int voxel in new[] { 1, 2, 8, 30, 47 })
        {
            _mask[voxel] = 1;
        }

        _scan = Image([6, 4, 2], new float[48], ScanAffine);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void SameGrid_IsTakenAsItIs()
    {
        Assert.Equal(_mask, LabelMaps.OnScanGrid(Write("same.nii.gz", Image([6, 4, 2], _mask, ScanAffine)), _scan));
    }

    [Fact]
    public void FlippedArrayWithAFlippedAffine_IsTheSameMask()
    {
        // The same voxels stored with i reversed; the affine says so (column i negated, origin at the far end).
        float[] flipped = new float[48];
        for (int k = 0; k < 2; k++)
        {
            for (int j = 0; j < 4; j++)
            {
                for (int i = 0; i < 6; i++)
                {
                    flipped[(5 - i) + (6 * (j + (4 * k)))] = _mask[i + (6 * (j + (4 * k)))];
                }
            }
        }

        var affine = new Affine([-2, 0, 0, -10 + (2 * 5), 0, 2, 0, -8, 0, 0, 3, 5, 0, 0, 0, 1]);

        Assert.Equal(_mask, LabelMaps.OnScanGrid(Write("flipped.nii.gz", Image([6, 4, 2], flipped, affine)), _scan));
    }

    [Fact]
    public void FinerGridOfTheSameSpace_IsResampledByNearestNeighbour()
    {
        // Twice as fine along i and j: scan voxel (i, j) sits on mask voxel (2i, 2j).
        float[] fine = new float[12 * 8 * 2];
        for (int k = 0; k < 2; k++)
        {
            for (int j = 0; j < 8; j++)
            {
                for (int i = 0; i < 12; i++)
                {
                    fine[i + (12 * (j + (8 * k)))] = _mask[(i / 2) + (6 * ((j / 2) + (4 * k)))];
                }
            }
        }

        var affine = new Affine([1, 0, 0, -10, 0, 1, 0, -8, 0, 0, 3, 5, 0, 0, 0, 1]);

        Assert.Equal(_mask, LabelMaps.OnScanGrid(Write("fine.nii.gz", Image([12, 8, 2], fine, affine)), _scan));
    }

    [Fact]
    public void MaskElsewhereInSpace_IsRefused()
    {
        var shifted = new Affine([2, 0, 0, 500, 0, 2, 0, -8, 0, 0, 3, 5, 0, 0, 0, 1]);

        var error = Assert.Throws<MedExplainInputException>(() => LabelMaps.OnScanGrid(Write("shifted.nii.gz", Image([6, 4, 2], _mask, shifted)), _scan));

        Assert.Contains("lies nowhere inside the scan", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlacedMaskForAnUnplacedScan_IsRefused()
    {
        MedicalImage picture = MedicalImageReader.Read(RepoPaths.DemoScan("2d/slice-02-tumour.png"));

        var error = Assert.Throws<MedExplainInputException>(() => LabelMaps.OnScanGrid(RepoPaths.DemoScan("2d/slice-02-tumour-mask.nii.gz"), picture));

        Assert.Contains("cannot be paired by where they lie", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DemoFolder_GivesOneScanPerSliceAndNoLabelMaps()
    {
        string[] scans = ScanFolder.In(Path.GetDirectoryName(RepoPaths.DemoScan("2d/slice-02-tumour.png"))!, 100);
        string[] shortcut = ScanFolder.In(Path.GetDirectoryName(RepoPaths.DemoScan("shortcut/marker-area.png"))!, 100);

        Assert.Equal(6, scans.Length);
        Assert.All(scans, s => Assert.EndsWith(".nii.gz", s, StringComparison.Ordinal));
        Assert.Equal(4, shortcut.Length);
        Assert.DoesNotContain(shortcut, s => s.Contains("marker-area", StringComparison.Ordinal));
        Assert.Equal("slice-02-tumour-mask.png", Path.GetFileName(ScanFolder.Companion(RepoPaths.DemoScan("2d/slice-02-tumour.png"), Path.GetDirectoryName(RepoPaths.DemoScan("2d/x"))!, "-mask")));
    }

    [Fact]
    public void Companion_PrefersTheScansOwnFormat_FindsUpperCaseExtensions_AndNothingWhenThereIsNone()
    {
        foreach (string name in new[] { "a.nii.gz", "a-mask.PNG", "a-mask.nii.gz", "b.png", "b-mask.PNG", "c.png", "c-mask.txt" })
        {
            File.WriteAllText(_temp.File(name), string.Empty);
        }

        Assert.Equal("a-mask.nii.gz", Path.GetFileName(ScanFolder.Companion(_temp.File("a.nii.gz"), _temp.Path, "-mask")));
        Assert.Equal("b-mask.PNG", Path.GetFileName(ScanFolder.Companion(_temp.File("b.png"), _temp.Path, "-mask")));
        Assert.Null(ScanFolder.Companion(_temp.File("c.png"), _temp.Path, "-mask"));
        Assert.Null(ScanFolder.Companion(_temp.File("a.nii.gz"), _temp.File("missing"), "-mask"));
    }

    private static MedicalImage Image(int[] dims, float[] voxels, Affine affine) =>
        new(dims, 1, voxels, affine, new ImageMetadata { Format = "NIfTI-1", Source = "test", DataType = "float32" });

    private string Write(string name, MedicalImage image)
    {
        string path = _temp.File(name);
        NiftiWriter.Write(path, image);
        return path;
    }
}
