using MedExplain.Onnx;
using MedExplain.Prediction;
using MedExplain.TestUtilities;
using MedExplain.Uncertainty;

namespace MedExplain.Core.Tests.Uncertainty;

/// <summary>Models exported by torch in training mode (tools/model_zoo/make_dropout_models.py): their Dropout nodes run
/// in inference mode for every ordinary use, and are MC dropout's sites, each at its own probability.</summary>
public sealed class DropoutNodeTests
{
    private static readonly FloatTensor Input = new([1, 1, 16, 16], [.. Enumerable.Range(0, 256).Select(i => MathF.Sin(i * 0.37f))]);

    [Fact]
    public void TrainingModeExport_PredictsTheSameEveryRun_EvenWithoutTheRuntimesOptimisations()
    {
        // ONNX Runtime's optimiser happens to remove Dropout nodes; unoptimised, training-mode Dropout drops at random.
        var unoptimised = new RuntimeOptions { Configure = o => o.GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL };
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("uncertainty/dropout-two-sites.onnx"), runtime: unoptimised);

        float[] first = model.Run(Input, ["logits"])[0].Data;

        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal(first, model.Run(Input, ["logits"])[0].Data));
    }

    [Fact]
    public void DropoutNodes_AreTheSitesAtTheirOwnRates()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("uncertainty/dropout-two-sites.onnx"));

        using McDropout dropout = McDropout.AtDropoutNodes(model, [1, 1, 16, 16]);

        Assert.Equal([("/body/body.5/Flatten_output_0", 0.3), ("/head/head.2/Relu_output_0", 0.5)], dropout.Sites.Select(s => (s.Tensor, Math.Round(s.Rate, 6))));
        Assert.True(dropout.RunsHeadOnly);
    }

    [Fact]
    public void OneDropoutNode_GivesWhatDropoutInsertedAtItsInputGives()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("uncertainty/dropout-one-site.onnx"));
        using McDropout nodes = McDropout.AtDropoutNodes(model, [1, 1, 16, 16]);
        using McDropout inserted = McDropout.At(model, "/body/body.5/Flatten_output_0", nodes.Rate, [1, 1, 16, 16]);

        float[][] a = nodes.Predict(Input, 20, seed: 5).Probabilities, b = inserted.Predict(Input, 20, seed: 5).Probabilities;

        Assert.All(Enumerable.Range(0, 20), s => Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(b[s][c], a[s][c], 6)));
        Assert.True(a.Distinct(new RowComparer()).Count() > 10, "the samples should differ");
    }

    [Fact]
    public void TwoSites_HeadOnlyEqualsWholeRuns_AndBatchingChangesNothing()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("uncertainty/dropout-two-sites.onnx"));
        using McDropout head = McDropout.AtDropoutNodes(model, [1, 1, 16, 16]);
        using McDropout whole = McDropout.AtDropoutNodes(model, [1, 1, 16, 16], headOnly: false);

        float[][] a = head.Predict(Input, 40, seed: 9).Probabilities;
        float[][] b = whole.Predict(Input, 40, seed: 9, maxMemoryBytes: 1).Probabilities;

        Assert.False(whole.RunsHeadOnly);
        Assert.All(Enumerable.Range(0, 40), s => Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(b[s][c], a[s][c], 6)));
    }

    [Fact]
    public void RateZeroForEverySite_GivesTheModelItself()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("uncertainty/dropout-two-sites.onnx"));
        using McDropout dropout = McDropout.AtDropoutNodes(model, [1, 1, 16, 16], rate: 0);

        (PredictiveUncertainty u, float[][] samples) = dropout.Predict(Input, 6, seed: 1);

        float[] plain = Softmax.Of(model.Run(Input, ["logits"])[0].Data);
        Assert.Equal(0, u.MutualInformation);
        Assert.All(samples, s => Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(plain[c], s[c], 6)));
    }

    [Fact]
    public void AModelWithoutDropoutNodes_IsRefused()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-3d"));

        MedExplainInputException refusal = Assert.Throws<MedExplainInputException>(() => McDropout.AtDropoutNodes(model, [1, 1, 64, 64, 64]));

        Assert.Contains("no Dropout node", refusal.Message, StringComparison.Ordinal);
    }

    private sealed class RowComparer : IEqualityComparer<float[]>
    {
        public bool Equals(float[]? x, float[]? y) => x!.SequenceEqual(y!);

        public int GetHashCode(float[] obj) => obj[0].GetHashCode();
    }
}
