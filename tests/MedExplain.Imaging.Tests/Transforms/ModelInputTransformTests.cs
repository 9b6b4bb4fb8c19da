using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Transforms;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Transforms;

/// <summary>The card's transform puts every model voxel where the model grid's affine says, and maps results back onto the scan.</summary>
/// <remarks>The scan holds a linear function of world position, which linear resampling reproduces exactly away from the
/// edges: so each value can be checked against the world position it should come from.</remarks>
public sealed class ModelInputTransformTests
{
    private static double World(Vector3d p) => (0.5 * p.X) - (0.25 * p.Y) + (0.125 * p.Z) + 7;

    [Theory]
    [InlineData(-2.0, -1.5, -1.0)] // LPI: every axis flipped against the model's RAS
    [InlineData(2.0, 1.5, 1.0)]    // RAS already
    public void ModelVoxelsHoldTheScanAtTheirWorldPositions(double sx, double sy, double sz)
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-3d"));
        MedicalImage scan = LinearScan([80, 70, 60], Affine.FromColumns(new Vector3d(sx, 0, 0), new Vector3d(0, sy, 0), new Vector3d(0, 0, sz), new Vector3d(10, -20, 30)));

        ModelInputTransform transform = ModelInputTransform.Plan(scan, model.InputSpec);
        FloatTensor batch = transform.Apply(scan);

        Assert.Equal([1, 1, 64, 64, 64], batch.Shape);
        Assert.Equal("RAS", transform.ModelAffine.AxisCodes);
        double worst = 0;
        for (int d = 2; d < 62; d += 7)
        {
            for (int h = 2; h < 62; h += 5)
            {
                for (int w = 2; w < 62; w += 3)
                {
                    double expected = World(transform.ModelAffine.Apply(w, h, d));
                    worst = Math.Max(worst, Math.Abs(expected - batch.Data[w + (64 * (h + (64 * d)))]));
                }
            }
        }

        Assert.True(worst < 1e-3, $"largest difference {worst}");
    }

    [Fact]
    public void MapBackLandsOnTheScansOwnVoxels()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-3d"));
        MedicalImage scan = LinearScan([80, 70, 60], Affine.FromColumns(new Vector3d(-2, 0, 0), new Vector3d(0, 0, 1.5), new Vector3d(0, -1, 0), new Vector3d(90, 40, -30)));
        ModelInputTransform transform = ModelInputTransform.Plan(scan, model.InputSpec);

        float[] back = transform.MapBack(transform.Apply(scan).Data);

        Assert.Equal(scan.Voxels.Length, back.Length);
        double worst = 0;
        for (int k = 3; k < 57; k += 4)
        {
            for (int j = 3; j < 67; j += 4)
            {
                for (int i = 3; i < 77; i += 4)
                {
                    worst = Math.Max(worst, Math.Abs(back[scan.Index(i, j, k)] - scan.Voxels[scan.Index(i, j, k)]));
                }
            }
        }

        Assert.True(worst < 1e-3, $"largest difference {worst}");
    }

    [Fact]
    public void LabelMapsLandOnTheModelGridWithoutBlending()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-3d"));
        var affine = Affine.FromColumns(new Vector3d(-2, 0, 0), new Vector3d(0, -1.5, 0), new Vector3d(0, 0, -1), new Vector3d(10, -20, 30));
        MedicalImage scan = LinearScan([80, 70, 60], affine);
        ModelInputTransform transform = ModelInputTransform.Plan(scan, model.InputSpec);

        // Label = which quarter of world x the voxel lies in. Each model voxel must carry the label of the scan voxel
        // nearest to its world position (the inverse of this diagonal affine, rounded).
        float Label(Vector3d p) => p.X < -110 ? 0 : p.X < -80 ? 1 : p.X < -50 ? 2 : 3;
        float[] labels = [.. Enumerable.Range(0, scan.VoxelsPerChannel).Select(v => Label(affine.Apply(v % 80, v / 80 % 70, v / 5600)))];

        float[] onModel = transform.ApplyLabels(labels);

        Assert.All(onModel, v => Assert.Contains(v, new[] { 0f, 1f, 2f, 3f }));
        int agree = 0;
        for (int n = 0; n < onModel.Length; n++)
        {
            Vector3d p = transform.ModelAffine.Apply(n % 64, n / 64 % 64, n / 4096);
            int i = Math.Clamp((int)Math.Round((10 - p.X) / 2), 0, 79), j = Math.Clamp((int)Math.Round((-20 - p.Y) / 1.5), 0, 69), k = Math.Clamp((int)Math.Round(30 - p.Z), 0, 59);
            agree += onModel[n] == labels[scan.Index(i, j, k)] ? 1 : 0;
        }

        Assert.True(agree > 0.999 * onModel.Length, $"{agree} of {onModel.Length} model voxels carry the label of their nearest scan voxel");
    }

    [Fact]
    public void ReorientationRoundTripsExactly()
    {
        var random = new Random(5);
        int[] dims = [5, 4, 3];
        float[] values = [.. Enumerable.Range(0, 60).Select(_ => (float)random.NextDouble())];
        var affine = Affine.FromColumns(new Vector3d(0, 0, -2), new Vector3d(-1, 0, 0), new Vector3d(0, 3, 0), new Vector3d(1, 2, 3));

        AxisReorientation plan = AxisReorientation.Plan(affine, "RAS");

        Assert.Equal("RAS", plan.Apply(affine, dims).AxisCodes);
        Assert.Equal(values, plan.Undo(plan.Apply(values, dims), dims));
        Affine reoriented = plan.Apply(affine, dims);
        int[] newDims = plan.Dims(dims);
        float[] moved = plan.Apply(values, dims);
        // Every voxel keeps its world position: find each new voxel's value at the old voxel with the same world point.
        for (int n = 0; n < moved.Length; n++)
        {
            int a = n % newDims[0], b = n / newDims[0] % newDims[1], c = n / (newDims[0] * newDims[1]);
            Vector3d p = reoriented.Apply(a, b, c);
            int oldIndex = Enumerable.Range(0, 60).Single(m => (affine.Apply(m % 5, m / 5 % 4, m / 20) - p).Length < 1e-9);
            Assert.Equal(values[oldIndex], moved[n]);
        }
    }

    private static MedicalImage LinearScan(int[] dims, Affine affine)
    {
        var values = new float[dims[0] * dims[1] * dims[2]];
        for (int k = 0; k < dims[2]; k++)
        {
            for (int j = 0; j < dims[1]; j++)
            {
                for (int i = 0; i < dims[0]; i++)
                {
                    values[i + (dims[0] * (j + (dims[1] * k)))] = (float)World(affine.Apply(i, j, k));
                }
            }
        }

        return new MedicalImage(dims, 1, values, affine, new ImageMetadata { Format = "test", Source = "linear", DataType = "float32" });
    }
}
