using MedExplain.Onnx;
using MedExplain.Prediction;
using MedExplain.TestUtilities;
using MedExplain.Uncertainty;

namespace MedExplain.Core.Tests.Uncertainty;

/// <summary>MC dropout by graph surgery on a linear model: each sample is the closed form W·(m ⊙ x) + b with the mask the
/// seed gives; rate 0 leaves nothing to disagree about; the same seed gives the same samples.</summary>
public sealed class McDropoutTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly OnnxModel _model;
    private readonly FloatTensor _input = new([1, 1, 2, 2], [0.5f, -1, 2, 0.25f]);

    public McDropoutTests() => _model = OnnxModel.Load(TinyModels.Linear(batch: null).Save(_temp.File("linear.onnx")));

    public void Dispose()
    {
        _model.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void EachSample_IsTheModelOnTheMaskedActivation()
    {
        using McDropout dropout = McDropout.At(_model, "flat", 0.5, [1, 1, 2, 2]);

        (PredictiveUncertainty u, float[][] samples) = dropout.Predict(_input, samples: 8, seed: 3);

        float[] masks = McDropout.Masks(8, 4, 0.5, 3);
        for (int s = 0; s < 8; s++)
        {
            float[] masked = [.. _input.Data.Select((v, i) => v * masks[(s * 4) + i])];
            float[] expected = Softmax.Of(TinyModels.LinearLogits(masked));
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(expected[c], samples[s][c], 5);
            }
        }

        Assert.True(u.MutualInformation > 0);
        Assert.Contains(0f, masks);
        Assert.Contains(2f, masks);
    }

    [Fact]
    public void RateZero_GivesIdenticalSamplesAndNoMutualInformation()
    {
        using McDropout dropout = McDropout.At(_model, "flat", 0, [1, 1, 2, 2]);

        (PredictiveUncertainty u, float[][] samples) = dropout.Predict(_input, samples: 5, seed: 1);

        Assert.All(samples, s => Assert.Equal(samples[0], s));
        Assert.Equal(0, u.MutualInformation);
        float[] plain = Softmax.Of(TinyModels.LinearLogits(_input.Data));
        Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(plain[c], u.MeanProbabilities[c], 5));
    }

    [Fact]
    public void TheSameSeed_GivesTheSameSamples_AnotherSeedOthers()
    {
        using McDropout dropout = McDropout.At(_model, "flat", 0.3, [1, 1, 2, 2]);

        float[][] a = dropout.Predict(_input, 16, seed: 7).Probabilities, b = dropout.Predict(_input, 16, seed: 7).Probabilities, c = dropout.Predict(_input, 16, seed: 8).Probabilities;

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void BatchesSizedByTheBudget_DoNotChangeTheSamples()
    {
        using McDropout dropout = McDropout.At(_model, "flat", 0.4, [1, 1, 2, 2]);

        float[][] whole = dropout.Predict(_input, 50, seed: 2).Probabilities;
        float[][] pieces = dropout.Predict(_input, 50, seed: 2, maxMemoryBytes: 1).Probabilities;

        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void TheHeadAlone_GivesWhatTheWholeModelGives()
    {
        using McDropout whole = McDropout.At(_model, "flat", 0.4, [1, 1, 2, 2], headOnly: false);
        using McDropout head = McDropout.At(_model, "flat", 0.4, [1, 1, 2, 2]);

        float[][] a = whole.Predict(_input, 30, seed: 4).Probabilities, b = head.Predict(_input, 30, seed: 4).Probabilities;

        Assert.False(whole.RunsHeadOnly);
        Assert.True(head.RunsHeadOnly);
        Assert.All(Enumerable.Range(0, 30), s => Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(a[s][c], b[s][c], 6)));
    }

    [Fact]
    public void ASkipAroundTheCut_RunsTheWholeModel()
    {
        // logits = W·flatten(relu(x) + x): dropping relu(x) leaves x reaching the score around the cut.
        using OnnxModel skip = OnnxModel.Load(new TinyModelBuilder()
            .Input("x", null, 1, 2, 2)
            .Output("logits", null, 3)
            .Initializer("W", [3, 4], TinyModels.LinearWeights)
            .Initializer("b", [3], TinyModels.LinearBias)
            .Node("Relu", ["x"], ["r"])
            .Node("Add", ["r", "x"], ["s"])
            .Node("Flatten", ["s"], ["flat"], attributes: ("axis", 1L))
            .Node("Gemm", ["flat", "W", "b"], ["logits"], attributes: ("transB", 1L))
            .Save(_temp.File("skip.onnx")));
        using McDropout dropout = McDropout.At(skip, "r", 0.5, [1, 1, 2, 2]);

        float[][] samples = dropout.Predict(_input, 6, seed: 0).Probabilities;

        Assert.False(dropout.RunsHeadOnly);
        float[] masks = McDropout.Masks(6, 4, 0.5, 0);
        for (int s = 0; s < 6; s++)
        {
            float[] summed = [.. _input.Data.Select((v, i) => (Math.Max(0, v) * masks[(s * 4) + i]) + v)];
            float[] expected = Softmax.Of(TinyModels.LinearLogits(summed));
            Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(expected[c], samples[s][c], 5));
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    public void ARateOutOfRange_IsRefused(double rate)
    {
        Assert.Throws<MedExplainParameterException>(() => McDropout.At(_model, "flat", rate, [1, 1, 2, 2]));
    }

    [Fact]
    public void AnUnknownTensor_IsRefusedWithTheNearestName()
    {
        var error = Assert.Throws<UnknownNameException>(() => McDropout.At(_model, "flatt", 0.2, [1, 1, 2, 2]));

        Assert.Contains("'flat'", error.Hint, StringComparison.Ordinal);
    }
}
