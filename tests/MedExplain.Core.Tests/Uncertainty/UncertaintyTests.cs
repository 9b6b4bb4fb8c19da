using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.TestUtilities;
using MedExplain.Uncertainty;

namespace MedExplain.Core.Tests.Uncertainty;

/// <summary>Predictive entropy and mutual information against hand-computed values; augmentations whose inverses are
/// exact; test-time augmentation with nothing to disagree about gives zero spread.</summary>
public sealed class UncertaintyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TwoConfidentSamplesThatDisagree_HaveAllTheirUncertaintyInTheModel()
    {
        // Mean (½, ½): predictive entropy ln 2; each sample is certain: expected entropy 0; so MI = ln 2.
        PredictiveUncertainty u = PredictiveUncertainty.Of([[1, 0], [0, 1]]);

        Assert.Equal([0.5f, 0.5f], u.MeanProbabilities);
        Assert.Equal(Math.Log(2), u.PredictiveEntropy, 12);
        Assert.Equal(0, u.ExpectedEntropy, 12);
        Assert.Equal(Math.Log(2), u.MutualInformation, 12);
    }

    [Fact]
    public void AHandComputedPair_GivesItsEntropiesAndMutualInformation()
    {
        // p1 = (0.9, 0.1), p2 = (0.6, 0.4): mean (0.75, 0.25).
        PredictiveUncertainty u = PredictiveUncertainty.Of([[0.9f, 0.1f], [0.6f, 0.4f]]);

        double h1 = -((0.9 * Math.Log(0.9)) + (0.1 * Math.Log(0.1))), h2 = -((0.6 * Math.Log(0.6)) + (0.4 * Math.Log(0.4)));
        double h = -((0.75 * Math.Log(0.75)) + (0.25 * Math.Log(0.25)));
        Assert.Equal(h, u.PredictiveEntropy, 6);
        Assert.Equal((h1 + h2) / 2, u.ExpectedEntropy, 6);
        Assert.Equal(h - ((h1 + h2) / 2), u.MutualInformation, 6);
    }

    [Fact]
    public void IdenticalSamples_HaveNoMutualInformation()
    {
        PredictiveUncertainty u = PredictiveUncertainty.Of([[0.7f, 0.2f, 0.1f], [0.7f, 0.2f, 0.1f], [0.7f, 0.2f, 0.1f]]);

        Assert.Equal(0, u.MutualInformation);
        Assert.Equal(u.PredictiveEntropy, u.ExpectedEntropy, 12);
    }

    [Fact]
    public void QuarterTurnsAndFlips_MoveValuesAsDrawn_AndTheirInversesRoundTripExactly()
    {
        // [[1, 2], [3, 4]] (rows down) turned a quarter counter-clockwise is [[2, 4], [1, 3]]; flipped left-right [[2, 1], [4, 3]].
        var plane = new FloatTensor([1, 1, 2, 2], [1, 2, 3, 4]);
        Assert.Equal([2f, 4, 1, 3], new Augmentation.Rotate(1).Apply(plane).Data);
        Assert.Equal([2f, 1, 4, 3], new Augmentation.Flip(1).Apply(plane).Data);
        Assert.Equal([3f, 4, 1, 2], new Augmentation.Flip(2).Apply(plane).Data);

        var rng = new Random(4);
        var volume = new FloatTensor([1, 2, 3, 5, 5], [.. Enumerable.Range(0, 150).Select(_ => (float)rng.NextDouble())]);
        foreach (Augmentation a in new Augmentation[] { new Augmentation.Flip(1), new Augmentation.Flip(2), new Augmentation.Flip(3), new Augmentation.Rotate(1), new Augmentation.Rotate(2), new Augmentation.Rotate(3) })
        {
            Assert.Equal(volume.Data, a.Invert(a.Apply(volume)).Data);
            // A map without the channel axis is inverted the same way.
            FloatTensor map = new([1, 3, 5, 5], volume.Data[..75]);
            Assert.Equal(map.Data, a.Invert(a.Apply(map)).Data);
        }
    }

    [Fact]
    public void AQuarterTurnOfANonSquarePlane_IsRefused()
    {
        var error = Assert.Throws<MedExplainParameterException>(() => new Augmentation.Rotate(1).Apply(new FloatTensor([1, 1, 2, 3])));

        Assert.Contains("square", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGradientOfALinearModel_UnderEachAugmentation_IsItsWeightsBroughtBack()
    {
        // logit = w·x' on the augmented input x': its gradient there is w itself, so on the original grid each sample's
        // map is the augmentation's inverse of w, and the spread is that of those maps; identity samples agree exactly.
        using OnnxModel model = OnnxModel.Load(TinyModels.Linear().Save(_temp.File("linear.onnx")));
        var input = new FloatTensor([1, 1, 2, 2], [0.5f, -1, 2, 0.25f]);
        IReadOnlyList<Augmentation> standard = [.. TestTimeAugmentation.Standard(input.Shape), new Augmentation.Flip(2), new Augmentation.Rotate(1), new Augmentation.Rotate(3)];
        var w = new FloatTensor([1, 1, 2, 2], TinyModels.LinearWeights[8..12]);

        MapSpread spread = TestTimeAugmentation.Explain(model, input, AttributionMethods.Get("gradient"), 2, standard, new AttributionOptions());
        MapSpread identity = TestTimeAugmentation.Explain(model, input, AttributionMethods.Get("gradient"), 2, [new Augmentation.Identity(), new Augmentation.Identity()], new AttributionOptions());

        MapSpread expected = TestTimeAugmentation.Spread([.. standard.Select(a => a.Invert(w).Data)]);
        Assert.Equal(7, standard.Count);
        Assert.Equal(expected.Mean, spread.Mean, new ToleranceComparer(1e-6));
        Assert.Equal(expected.StandardDeviation, spread.StandardDeviation, new ToleranceComparer(1e-6));
        Assert.All(identity.StandardDeviation, s => Assert.Equal(0, s));
        Assert.Equal(w.Data, identity.Mean, new ToleranceComparer(1e-6));
        Assert.Equal(1, identity.TopOverlap);
    }

    [Fact]
    public void Predict_UnderIdentities_IsOneSampleRepeated()
    {
        using OnnxModel model = OnnxModel.Load(TinyModels.Linear().Save(_temp.File("linear.onnx")));
        var input = new FloatTensor([1, 1, 2, 2], [0.5f, -1, 2, 0.25f]);

        PredictiveUncertainty u = TestTimeAugmentation.Predict(model, input, [new Augmentation.Identity(), new Augmentation.Identity(), new Augmentation.Identity()]);

        Assert.Equal(3, u.Samples);
        Assert.Equal(0, u.MutualInformation);
        Assert.Equal(MedExplain.Prediction.Softmax.Of(TinyModels.LinearLogits(input.Data)), u.MeanProbabilities, new ToleranceComparer(1e-6));
    }

    [Fact]
    public void MapsThatDisagreeOnTheirPeak_AreUnstable()
    {
        float[] a = [9, 0, 0, 0, 0, 0, 0, 0, 0, 0], b = [0, 0, 0, 0, 0, 0, 0, 0, 0, 9];

        MapSpread spread = TestTimeAugmentation.Spread([a, b]);

        Assert.Equal(0, spread.TopOverlap);
        Assert.True(spread.IsUnstable);
        Assert.Equal(4.5f, spread.StandardDeviation[0]);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
