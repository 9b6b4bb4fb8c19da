using MedExplain.Concepts;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Concepts;

/// <summary>
/// TCAV's pieces against closed forms: on a model whose logit is w·x, probing the input gives the activations themselves
/// and the gradient w (pooled: its per-channel sums), so the directional derivative is w·cav exactly; a CAV separates
/// clusters split along a known direction and finds that direction, and flags a concept it cannot tell from random.
/// </summary>
public sealed class TcavTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void LinearModel_ProbedAtItsInput_GivesTheWeightsAndDirectionalDerivativeWDotCav()
    {
        using OnnxModel model = OnnxModel.Load(TinyModels.Linear().Save(_temp.File("linear.onnx")));
        var inputs = new FloatTensor([3, 1, 2, 2], [1, 2, 3, 4, -1, 0, 2, 5, 0.5f, 0.5f, -3, 1]);

        LayerSamples samples = LayerProbe.Run(model, inputs, "x", targetClass: 2, LayerPooling.Flatten);
        var cav = new ConceptVector([0.5f, -1, 2, 0.25f], 0, 1);
        TcavScore score = Tcav.Score(samples.Gradients, cav);

        float[] w = TinyModels.LinearWeights[8..12];
        double norm = Math.Sqrt(cav.Direction.Sum(v => v * v));
        double expected = w.Zip(cav.Direction, (a, b) => (double)a * b).Sum() / norm;
        for (int n = 0; n < 3; n++)
        {
            Assert.Equal(inputs.Item(n).ToArray(), samples.Activations[n]);
            Assert.Equal(w, samples.Gradients[n]);
            Assert.Equal(TinyModels.LinearLogits(inputs.Item(n))[2], samples.Scores[n], 4);
            Assert.Equal(expected, score.Derivatives[n], 5);
        }

        Assert.Equal(expected > 0 ? 1 : 0, score.Score);
    }

    [Fact]
    public void SpatialMeanPooling_AveragesActivationsAndSumsGradientsPerChannel()
    {
        using OnnxModel model = OnnxModel.Load(TinyModels.Linear().Save(_temp.File("linear.onnx")));
        var inputs = new FloatTensor([1, 1, 2, 2], [1, 2, 3, 4]);

        LayerSamples samples = LayerProbe.Run(model, inputs, "x", targetClass: 0, LayerPooling.SpatialMean);

        Assert.Equal([2.5f], samples.Activations[0]);
        Assert.Equal([TinyModels.LinearWeights[..4].Sum()], samples.Gradients[0]);
    }

    [Fact]
    public void AnInnerLayer_GivesItsActivationAndTheLogitGradientInClosedForm()
    {
        // x → Conv 3×3 (pad 1) → Relu "cam_here" → global average pool → Gemm: the activation is relu(conv(x)), and
        // d logit_k / d cam_here[c, p] = fc_w[k, c] / 16 at every position p.
        using OnnxModel model = OnnxModel.Load(TinyModels.WithCamLayer("GlobalAveragePool").Save(_temp.File("cam.onnx")));
        float[] x = [.. Enumerable.Range(0, 16).Select(v => (float)Math.Sin(v))];
        float[] fc = [1, -1, 0.5f, 2];

        LayerSamples samples = LayerProbe.Run(model, new FloatTensor([1, 1, 4, 4], x), "cam_here", targetClass: 1, LayerPooling.Flatten);

        for (int c = 0; c < 2; c++)
        {
            for (int p = 0; p < 16; p++)
            {
                double conv = 0;
                for (int ky = -1; ky <= 1; ky++)
                {
                    for (int kx = -1; kx <= 1; kx++)
                    {
                        int row = (p / 4) + ky, column = (p % 4) + kx;
                        conv += row is < 0 or > 3 || column is < 0 or > 3 ? 0 : ((((c * 9) + ((ky + 1) * 3) + kx + 1) % 5) - 2) * x[(row * 4) + column];
                    }
                }

                Assert.Equal(Math.Max(0, conv), samples.Activations[0][(c * 16) + p], 4);
                Assert.Equal(fc[2 + c] / 16, samples.Gradients[0][(c * 16) + p], 6);
            }
        }
    }

    [Fact]
    public void AnUnknownLayer_IsNamedInTheError()
    {
        using OnnxModel model = OnnxModel.Load(TinyModels.Linear().Save(_temp.File("linear.onnx")));

        var error = Assert.Throws<UnknownNameException>(() => LayerProbe.Run(model, new FloatTensor([1, 1, 2, 2]), "no-such-layer", 0, LayerPooling.Flatten));

        Assert.Equal("no-such-layer", error.Name);
        var badClass = Assert.Throws<MedExplainParameterException>(() => LayerProbe.Run(model, new FloatTensor([1, 1, 2, 2]), "x", 3, LayerPooling.Flatten));
        Assert.Equal("target", badClass.Parameter);
    }

    [Fact]
    public void Cav_SeparatesClustersAlongTheirDirection_Deterministically()
    {
        var rng = new Random(5);
        float[] u = [.. Enumerable.Range(0, 10).Select(i => i % 3 == 0 ? 1f : 0f)];
        float[] Sample(float shift) => [.. Enumerable.Range(0, 10).Select(i => (float)((rng.NextDouble() - 0.5) + (shift * u[i])))];
        float[][] concept = [.. Enumerable.Range(0, 50).Select(_ => Sample(2))], random = [.. Enumerable.Range(0, 50).Select(_ => Sample(-2))];

        ConceptVector cav = CavTrainer.Train(concept, random, new CavOptions(Seed: 3));
        ConceptVector again = CavTrainer.Train(concept, random, new CavOptions(Seed: 3));

        Assert.Equal(1.0, cav.HeldOutAccuracy);
        Assert.True(cav.IsLearnable);
        double cosine = cav.Direction.Zip(u, (a, b) => (double)a * b).Sum() / Math.Sqrt(cav.Direction.Sum(v => (double)v * v) * u.Sum(v => v * v));
        Assert.True(cosine > 0.9, $"cosine with the separating direction {cosine:0.###}");
        Assert.Equal(cav.Direction, again.Direction);
    }

    [Fact]
    public void Cav_OfAConceptThatLooksLikeRandom_IsFlaggedNotLearnable()
    {
        var rng = new Random(9);
        float[][] Draw() => [.. Enumerable.Range(0, 60).Select(_ => new[] { (float)rng.NextDouble(), (float)rng.NextDouble(), (float)rng.NextDouble() })];

        ConceptVector cav = CavTrainer.Train(Draw(), Draw());

        Assert.False(cav.IsLearnable, $"held-out accuracy {cav.HeldOutAccuracy:0.###} on indistinguishable sets");
    }

    [Fact]
    public void Resolve_TakesTensorsNodesAndTheInput_AndSuggestsTheNearestName()
    {
        using OnnxModel model = OnnxModel.Load(TinyModels.WithCamLayer("GlobalAveragePool").Save(_temp.File("cam.onnx")));

        Assert.Equal("cam_here", LayerProbe.Resolve(model, "cam_here"));
        Assert.Equal("cam_here", LayerProbe.Resolve(model, "relu"));
        Assert.Equal("x", LayerProbe.Resolve(model, "x"));
        var error = Assert.Throws<UnknownNameException>(() => LayerProbe.Resolve(model, "cam_her"));
        Assert.Contains("'cam_here'", error.Hint, StringComparison.Ordinal);
    }
}
