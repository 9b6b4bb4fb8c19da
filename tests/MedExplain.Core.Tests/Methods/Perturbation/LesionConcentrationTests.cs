using MedExplain.Imaging;
using MedExplain.Imaging.Raster;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods.Perturbation;

/// <summary>On the bundled 2D model, occlusion and feature ablation put their positive attribution in the lesion far
/// beyond the lesion's share of the image (the demo's masks are the truth), and RISE finds the one region a model reads.</summary>
public sealed class LesionConcentrationTests
{
    [Theory]
    [InlineData("occlusion", "2d/slice-02-tumour", "zeros")]
    [InlineData("feature-ablation", "2d/slice-05-tumour", "zeros")]
    [InlineData("occlusion", "2d/slice-06-infarct", "blur")]
    public void PositiveAttributionConcentratesInTheLesion(string method, string scan, string baseline)
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor x = ModelInputLoader.Load(RepoPaths.DemoScan(scan + ".png"), model.InputSpec);
        float[] mask = RasterReader.Read(RepoPaths.DemoScan(scan + "-mask.png")).Data;
        var options = new AttributionOptions
        {
            Window = [16], Stride = [8], Baseline = baseline == "blur" ? BaselineKind.Blur : BaselineKind.Zeros,
            FeatureMask = method == "feature-ablation" ? Grid(16) : null,
        };

        float[] map = AttributionMethods.Get(method).Attribute(model, x, ClassTarget.Predicted, options).Values.Data;

        double inside = map.Where((v, i) => mask[i] > 0).Sum(v => Math.Max(v, 0)), total = map.Sum(v => Math.Max(v, 0));
        double area = mask.Count(v => v > 0) / (double)mask.Length;
        Assert.True(inside / total > 10 * area, $"{method} on {scan}: {inside / total:P1} of positive attribution inside a lesion of {area:P1} of the image");
    }

    [Fact]
    public void RiseFindsTheRegionTheModelReads()
    {
        // y = mean of a 4×4 block of a 16×16 input; x = 1 everywhere.
        using var temp = new TempDirectory();
        float[] weights = [.. Enumerable.Range(0, 256).Select(v => v / 16 is >= 4 and < 8 && v % 16 is >= 8 and < 12 ? 1f / 16 : 0f)];
        using OnnxModel model = OnnxModel.Load(new TinyModelBuilder().Input("x", null, 1, 16, 16).Output("y", null, 1)
            .Initializer("w", [256, 1], weights).Node("Flatten", ["x"], ["f"], "flatten").Node("Gemm", ["f", "w"], ["y"], "dense")
            .Save(temp.File("block.onnx")));
        var x = new FloatTensor([1, 1, 16, 16], [.. Enumerable.Repeat(1f, 256)]);

        float[] map = AttributionMethods.Get("rise").Attribute(model, x, ClassTarget.Class(0), new AttributionOptions { Samples = 2000, RiseCells = 4 }).Values.Data;

        double block = weights.Select((w, i) => w > 0 ? map[i] : 0).Where((_, i) => weights[i] > 0).Average();
        double far = map.Where((_, i) => i / 16 >= 12 || i % 16 < 3).Average();
        Assert.True(block > far + 0.1, $"block {block:G3} vs far away {far:G3}");
        // The mean score over all masks is removed, so voxels the model ignores come out near zero, not at that mean
        // (about 0.5 here), which would draw the whole map as one flat colour.
        Assert.True(Math.Abs(far) < 0.2 * block, $"far away {far:G3} is not near zero beside the block's {block:G3}");
    }

    private static FloatTensor Grid(int cell)
    {
        var mask = new FloatTensor(128, 128);
        for (int v = 0; v < mask.Data.Length; v++)
        {
            mask.Data[v] = (v / 128 / cell * (128 / cell)) + (v % 128 / cell);
        }

        return mask;
    }
}
