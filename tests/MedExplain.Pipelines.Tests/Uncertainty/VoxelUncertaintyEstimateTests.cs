using MedExplain.Imaging.Npy;
using MedExplain.Onnx;
using MedExplain.Pipelines;
using MedExplain.TestUtilities;
using MedExplain.Uncertainty;

namespace MedExplain.Pipelines.Tests.Uncertainty;

/// <summary>A segmentation model's voxel maps from each source of samples.</summary>
public sealed class VoxelUncertaintyEstimateTests
{
    private static readonly string ModelPath = RepoPaths.TestData("zoo/unet-segmentation.onnx");

    [Fact]
    public void AnEnsembleOfOneNetworkTwice_HasNoMutualInformation_AndTheModelsOwnEntropy()
    {
        using OnnxModel model = OnnxModel.Load(ModelPath);
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("zoo/unet-segmentation.input.npy")).Slice(0, 1);

        (VoxelUncertainty maps, _) = UncertaintyEstimate.Voxels(model, input, new UncertaintySettings(UncertaintySource.Ensemble) { Replicas = [ModelPath] });

        float[][] probabilities = new Prediction.Segmenter(model).Segment(input, "test").Items[0].Probabilities;
        Assert.All(maps.MutualInformation, v => Assert.Equal(0, v, 6));
        Assert.All(maps.StandardDeviation, v => Assert.Equal(0, v, 6));
        for (int v = 0; v < maps.PredictiveEntropy.Length; v += 37)
        {
            Assert.Equal(PredictiveUncertainty.Entropy([.. probabilities.Select(p => p[v])]), maps.PredictiveEntropy[v], 5);
        }
    }

    [Fact]
    public void TestTimeAugmentation_GivesFiniteMapsOnTheModelsGrid_WithSomeDisagreement()
    {
        using OnnxModel model = OnnxModel.Load(ModelPath);
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("zoo/unet-segmentation.input.npy")).Slice(0, 1);

        (VoxelUncertainty maps, string method) = UncertaintyEstimate.Voxels(model, input, new UncertaintySettings(UncertaintySource.TestTimeAugmentation));

        Assert.StartsWith("test-time augmentation", method, StringComparison.Ordinal);
        Assert.Equal(input.ItemSize / input.Shape[1], maps.PredictiveEntropy.Length);
        Assert.All(maps.PredictiveEntropy, v => Assert.True(float.IsFinite(v) && v >= 0));
        Assert.Contains(maps.MutualInformation, v => v > 1e-4);
    }
}
