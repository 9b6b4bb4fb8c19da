using MedExplain.Uncertainty;

namespace MedExplain.Core.Tests.Uncertainty;

/// <summary>Voxelwise measures against hand-computed values.</summary>
public sealed class VoxelUncertaintyTests
{
    [Fact]
    public void TwoSamples_GiveTheClosedFormsPerVoxel()
    {
        // Voxel 0: two certain samples that disagree (H = ln 2, E = 0, MI = ln 2, std of class 0's probability = 0.5).
        // Voxel 1: two samples that both say ½ (H = E = ln 2, MI = 0, std 0).
        float[][] a = [[1, 0.5f], [0, 0.5f]], b = [[0, 0.5f], [1, 0.5f]];

        VoxelUncertainty u = VoxelUncertainty.Of([a, b]);

        Assert.Equal(Math.Log(2), u.PredictiveEntropy[0], 6);
        Assert.Equal(0, u.ExpectedEntropy[0], 6);
        Assert.Equal(Math.Log(2), u.MutualInformation[0], 6);
        Assert.Equal(0.5, u.StandardDeviation[0], 6);
        Assert.Equal(Math.Log(2), u.PredictiveEntropy[1], 6);
        Assert.Equal(Math.Log(2), u.ExpectedEntropy[1], 6);
        Assert.Equal(0, u.MutualInformation[1], 6);
        Assert.Equal(0, u.StandardDeviation[1], 6);
        Assert.Equal([0.5f, 0.5f], u.MeanProbabilities[0]);
        Assert.Equal(2, u.Samples);
    }

    [Fact]
    public void IdenticalSamples_HaveNoMutualInformationOrSpread()
    {
        float[][] p = [[0.9f, 0.2f, 0.6f], [0.1f, 0.8f, 0.4f]];

        VoxelUncertainty u = VoxelUncertainty.Of([p, p, p]);

        Assert.All(u.MutualInformation, v => Assert.Equal(0, v, 6));
        Assert.All(u.StandardDeviation, v => Assert.Equal(0, v, 6));
        Assert.Equal(-((0.9 * Math.Log(0.9)) + (0.1 * Math.Log(0.1))), u.PredictiveEntropy[0], 5);
    }

    [Fact]
    public void SamplesOfDifferentShapes_AreRefused()
    {
        Assert.Throws<MedExplainParameterException>(() => VoxelUncertainty.Of([[[1f, 0f]], [[1f]]]));
        Assert.Throws<MedExplainParameterException>(() => VoxelUncertainty.Of([]));
    }
}
