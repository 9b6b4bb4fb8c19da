using MedExplain.Cases;
using MedExplain.Metrics;
using MedExplain.Onnx;
using MedExplain.TestUtilities;
using Xunit.Abstractions;

namespace MedExplain.Pipelines.Tests.Cases;

/// <summary>Retrieval on the demo's screening pool (demo/concepts/random: 80 normal, 10 tumour, 10 infarct slices, the
/// class in each name), leave one out: the honest model's nearest case shares the query's class, and the ranking comes
/// from training (a randomised model ranks the cases differently).</summary>
public sealed class RetrievalTests(ITestOutputHelper output)
{
    [Fact]
    public void DemoPool_NearestCaseSharesTheClass_AndTheRandomisedModelRanksOtherwise()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        string[] scans = RepoPaths.ScreeningPool();
        string[] labels = [.. scans.Select(RepoPaths.PoolLabel)];
        FloatTensor inputs = FloatTensor.Concatenate([.. scans.Select(s => MedExplain.Imaging.ModelInputLoader.Load(s, model.InputSpec))]);
        float[][] trained = Embeddings(model, inputs);
        float[][] randomised = Embeddings(Randomisation.Cascade(model, Randomisation.LayersFromTheTop(model).Count, 1), inputs);

        (double sameAt1, double sameAt5) = RetrievalEvaluation.SameClassRates(trained, labels, 5);
        double spearman = RetrievalEvaluation.RankAgreement(trained, randomised);

        output.WriteLine($"same-class@1 {sameAt1:0.00}, @5 {sameAt5:0.00}, mean Spearman of the trained and randomised rankings {spearman:0.00}");
        Assert.True(sameAt1 >= 0.9, $"same-class@1 {sameAt1:0.00}");
        Assert.True(sameAt5 >= 0.8, $"same-class@5 {sameAt5:0.00}");
        Assert.True(spearman < 0.2, $"Spearman {spearman:0.00}");
    }

    private static float[][] Embeddings(OnnxModel model, FloatTensor inputs)
    {
        var embeddings = new float[inputs.BatchSize][];
        CaseEmbedding.Stream(model, inputs, null, 1L << 30, (i, e) => embeddings[i] = e.Vector);
        return embeddings;
    }
}
