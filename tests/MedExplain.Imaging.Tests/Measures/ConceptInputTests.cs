using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Nifti;
using MedExplain.Models;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Measures;

/// <summary>Concept examples drawn from masks: the crop is the mask's box plus the margin, taken where the scan lies; the
/// kept-inside example is the scan inside the mask and zero outside.</summary>
public sealed class ConceptInputTests : IDisposable
{
    private static readonly Affine Placed = new([2, 0, 0, -10, 0, 3, 0, 4, 0, 0, 1, 7, 0, 0, 0, 1]);
    private readonly TempDirectory _temp = new();
    private readonly string _scan, _mask;

    public ConceptInputTests()
    {
        // Value i + 100 j at voxel (i, j) of a 20 × 10 slice; the mask covers i 5..7, j 2..3.
        float[] values = new float[200], mask = new float[200];
        for (int j = 0; j < 10; j++)
        {
            for (int i = 0; i < 20; i++)
            {
                values[i + (20 * j)] = i + (100 * j);
                mask[i + (20 * j)] = i is >= 5 and <= 7 && j is >= 2 and <= 3 ? 1 : 0;
            }
        }

        _scan = Write("scan.nii.gz", values);
        _mask = Write("scan-mask.nii.gz", mask);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Crop_IsTheMasksBoxPlusTheMargin()
    {
        // Margin 1: i 4..8 (5 columns), j 1..4 (4 rows); a model of exactly that size receives it unresampled.
        FloatTensor input = ConceptInput.Prepare(_scan, _mask, Spec(4, 5), ConceptMaskUse.Crop, margin: 1);

        float[] expected = [.. Enumerable.Range(0, 20).Select(n => (float)(4 + (n % 5) + (100 * (1 + (n / 5)))))];
        Assert.Equal(expected, input.Data);
    }

    [Fact]
    public void Crop_KeepsTheBoxWhereItLies()
    {
        MedicalImage scan = MedicalImageReader.Read(_scan);

        MedicalImage box = scan.Crop([4, 1, 0], [5, 4, 1]);

        Assert.Equal(scan.Affine.Apply(4, 1, 0), box.Affine.Apply(0, 0, 0));
        Assert.Equal(scan.Spacing, box.Spacing);
        Assert.Equal(scan.Voxels[scan.Index(6, 3, 0)], box.Voxels[box.Index(2, 2, 0)]);
    }

    [Fact]
    public void KeepInside_ZeroesEverythingOutsideTheMask()
    {
        FloatTensor input = ConceptInput.Prepare(_scan, _mask, Spec(10, 20), ConceptMaskUse.KeepInside, margin: 0);

        for (int n = 0; n < 200; n++)
        {
            int i = n % 20, j = n / 20;
            bool inside = i is >= 5 and <= 7 && j is >= 2 and <= 3;
            Assert.Equal(inside ? i + (100 * j) : 0, input.Data[n]);
        }
    }

    [Fact]
    public void AnEmptyMask_IsRefusedNamingIt()
    {
        string empty = Write("empty-mask.nii.gz", new float[200]);

        var error = Assert.Throws<MedExplainInputException>(() => ConceptInput.Prepare(_scan, empty, Spec(4, 5), ConceptMaskUse.Crop, 1));

        Assert.Contains("empty-mask.nii.gz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingMask_IsRefusedNamingTheScan()
    {
        var error = Assert.Throws<MedExplainInputException>(() => ConceptInput.Prepare(_scan, null, Spec(4, 5), ConceptMaskUse.KeepInside, 0));

        Assert.Contains("scan.nii.gz", error.Message, StringComparison.Ordinal);
    }

    private static ModelInputSpec Spec(int height, int width) => new("model.onnx", "image", [null, 1, height, width], $"(batch, 1, {height}, {width})", null, null);

    private string Write(string name, float[] voxels)
    {
        string path = _temp.File(name);
        NiftiWriter.Write(path, new MedicalImage([20, 10, 1], 1, voxels, Placed, new ImageMetadata { Format = "NIfTI-1", Source = name, DataType = "float32" }));
        return path;
    }
}
