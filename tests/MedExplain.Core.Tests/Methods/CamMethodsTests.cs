using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods;

/// <summary>CAM methods against closed forms on a conv → ReLU → GAP → linear model whose activations are computed
/// here by hand, and against the lesion masks of the demo scans.</summary>
public sealed class CamMethodsTests : IDisposable
{
    private static readonly float[] FcWeights = [1, -1, 0.5f, 2];
    private readonly TempDirectory _dir = new();
    private readonly OnnxModel _model;
    private readonly FloatTensor _input = new([1, 1, 4, 4], FiniteDifferences.WellSeparated(16, 0.3f, seed: 5));

    public CamMethodsTests() => _model = OnnxModel.Load(TinyModels.WithCamLayer("GlobalAveragePool").Save(_dir.File("cam.onnx")));

    public void Dispose()
    {
        _model.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void CamAndGradCam_GapLinearModel_MatchTheClosedForms(int target)
    {
        float[][] a = Activations();
        float[] cam = [.. Enumerable.Range(0, 16).Select(p => (FcWeights[target * 2] * a[0][p]) + (FcWeights[(target * 2) + 1] * a[1][p]))];
        var options = new AttributionOptions { CamAtLayerResolution = true };

        float[] ours = AttributionMethods.Get("cam").Attribute(_model, _input, ClassTarget.Class(target), options).Values.Data;
        float[] grad = AttributionMethods.Get("grad-cam").Attribute(_model, _input, ClassTarget.Class(target), options).Values.Data;
        float[] mean = AttributionMethods.Get("activation-map").Attribute(_model, _input, ClassTarget.Class(target), options).Values.Data;

        Assert.Equal(cam, ours, (x, y) => Math.Abs(x - y) < 1e-4f);
        Assert.Equal(cam.Select(v => Math.Max(v, 0) / 16), grad, (x, y) => Math.Abs(x - y) < 1e-5f);
        Assert.Equal(Enumerable.Range(0, 16).Select(p => (a[0][p] + a[1][p]) / 2), mean, (x, y) => Math.Abs(x - y) < 1e-5f);
        Assert.True(target == 1 || cam.Any(v => v < 0), "class 0 has a negative weight, so its CAM must go negative somewhere and exercise the ReLU");
    }

    [Fact]
    public void GradCam_SegmentationModel_WeighsTheBottleneckAsSegGradCamDoes()
    {
        // The zoo's U-Net: enc1 (16²), enc2 (8²), bottom (4²), then ConvTranspose and upsampling. Seg-Grad-CAM weighs
        // the bottleneck by the gradient of the masked output's sum, averaged over its positions.
        using OnnxModel unet = OnnxModel.Load(RepoPaths.TestData("zoo/unet-segmentation.onnx"));
        FloatTensor input = MedExplain.Imaging.Npy.NpyReader.Read(RepoPaths.TestData("zoo/unet-segmentation.input.npy"));
        FloatTensor mask = MedExplain.Imaging.Npy.NpyReader.Read(RepoPaths.TestData("zoo/unet-segmentation.seed.npy"));
        var options = new AttributionOptions { TargetMask = mask, CamAtLayerResolution = true };

        Attribution byDefault = AttributionMethods.Get("grad-cam").Attribute(unet, input, ClassTarget.Predicted, options);
        Attribution named = AttributionMethods.Get("grad-cam").Attribute(unet, input, ClassTarget.Predicted, options with { Layer = "/bottom/bottom.2/Relu_output_0" });

        Assert.Equal("/bottom/bottom.2/Relu_output_0", unet.FindBottleneck(input.Shape)?.TensorName);
        Assert.Equal([2, 1, 4, 4], byDefault.Values.Shape);
        Assert.Equal(named.Values.Data, byDefault.Values.Data);
        Assert.Contains(byDefault.Values.Data, v => v > 0);
    }

    [Fact]
    public void CompiledLayerGradient_StopsAtTheLayer()
    {
        // Captum's layer attributions stop the backward pass at the layer; ours must too, not run on to the input.
        using OnnxModel unet = OnnxModel.Load(RepoPaths.TestData("zoo/unet-segmentation.onnx"));
        const string Layer = "/bottom/bottom.2/Relu_output_0";

        MedExplain.Onnx.Backward.BackwardSession session = unet.Backward([1, 1, 16, 16], new MedExplain.Onnx.Backward.BackwardRequest("logits", MedExplain.Onnx.Backward.RuleSet.Gradient, [Layer], [Layer]));

        string[] origins = [.. session.Graph.Model.Graph.Node.Select(n => n.DocString).Where(d => d.Length > 0).Distinct()];
        Assert.Contains(origins, o => o.Contains("/dec1/", StringComparison.Ordinal));
        Assert.DoesNotContain(origins, o => o.Contains("/enc1/", StringComparison.Ordinal) || o.Contains("/bottom/", StringComparison.Ordinal));
    }

    [Fact]
    public void GradCamPlusPlus_GapLinearModel_MatchesTheClosedForm()
    {
        // With g_c = w_c / P constant over the P positions: α = 1 / (2 + S_c·g_c), weight_c = P·relu(g_c)·α.
        float[][] a = Activations();
        double[] weights = [.. Enumerable.Range(0, 2).Select(c =>
        {
            double g = FcWeights[c] / 16.0, s = a[c].Sum();
            return g > 0 ? 16 * g / (2 + (s * g)) : 0;
        })];
        float[] expected = [.. Enumerable.Range(0, 16).Select(p => (float)Math.Max(0, (weights[0] * a[0][p]) + (weights[1] * a[1][p])))];

        float[] ours = AttributionMethods.Get("grad-cam-pp").Attribute(_model, _input, ClassTarget.Class(0), new AttributionOptions { CamAtLayerResolution = true }).Values.Data;

        Assert.Equal(expected, ours, (x, y) => Math.Abs(x - y) < 1e-5f);
    }

    [Fact]
    public void GradCam_DemoTumourScan_PutsItsMassOnTheLesion()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor scan = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-02-tumour.png"), model.InputSpec);
        float[] mask = MedExplain.Imaging.Raster.RasterReader.Read(RepoPaths.DemoScan("2d/slice-02-tumour-mask.png")).Data;

        FloatTensor map = AttributionMethods.Get("grad-cam").Attribute(model, scan, ClassTarget.Class(1), new AttributionOptions()).Values;

        Assert.Equal([1, 1, 128, 128], map.Shape);
        double inside = map.Data.Where((_, i) => Near(mask, i)).Sum(), total = map.Data.Sum();
        double area = Enumerable.Range(0, mask.Length).Count(i => Near(mask, i)) / (double)mask.Length;
        Assert.True(inside / total > 3 * area, $"Grad-CAM mass near the lesion {inside / total:P1}, lesion neighbourhood area {area:P1}");
    }

    [Fact]
    public void GuidedGradCam_IsGuidedBackpropTimesTheUpsampledGradCam()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor scan = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-05-tumour.png"), model.InputSpec);
        var options = new AttributionOptions();

        float[] guided = AttributionMethods.Get("guided-backprop").Attribute(model, scan, ClassTarget.Predicted, options).Values.Data;
        float[] cam = AttributionMethods.Get("grad-cam").Attribute(model, scan, ClassTarget.Predicted, options).Values.Data;
        float[] both = AttributionMethods.Get("guided-grad-cam").Attribute(model, scan, ClassTarget.Predicted, options).Values.Data;

        Assert.Equal(guided.Zip(cam, (g, c) => g * c), both);
    }

    /// <summary>Conv (2 channels, 3×3, pad 1, weights (i % 5) − 2) then ReLU, computed directly.</summary>
    private float[][] Activations()
    {
        float[][] maps = [new float[16], new float[16]];
        for (int c = 0; c < 2; c++)
        {
            for (int y = 0; y < 4; y++)
            {
                for (int x = 0; x < 4; x++)
                {
                    float sum = 0;
                    for (int ky = 0; ky < 3; ky++)
                    {
                        for (int kx = 0; kx < 3; kx++)
                        {
                            int iy = y + ky - 1, ix = x + kx - 1;
                            if (iy is >= 0 and < 4 && ix is >= 0 and < 4)
                            {
                                sum += (((c * 9) + (ky * 3) + kx) % 5 - 2f) * _input.Data[(iy * 4) + ix];
                            }
                        }
                    }

                    maps[c][(y * 4) + x] = Math.Max(sum, 0);
                }
            }
        }

        return maps;
    }

    /// <summary>Within 6 pixels of the lesion mask.</summary>
    private static bool Near(float[] mask, int index)
    {
        int y = index / 128, x = index % 128;
        for (int dy = -6; dy <= 6; dy++)
        {
            for (int dx = -6; dx <= 6; dx++)
            {
                int yy = y + dy, xx = x + dx;
                if (yy is >= 0 and < 128 && xx is >= 0 and < 128 && mask[(yy * 128) + xx] > 0)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
