using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Metrics;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Metrics;

/// <summary>The randomisation check must tell apart a map that depends on the model from one that does not.</summary>
public sealed class RandomisationTests
{
    [Fact]
    public void GradientMapsDecorrelateWhenEveryLayerIsRandomisedWhileAnEdgeDetectorDoesNot()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor x = ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-02-tumour.png"), model.InputSpec);
        int layers = Randomisation.LayersFromTheTop(model).Count;
        OnnxModel randomised = Randomisation.Cascade(model, layers, seed: 1);

        float[] before = AttributionMethods.Get("gradient").Attribute(model, x, ClassTarget.Class(1), new AttributionOptions()).Values.Data;
        float[] after = AttributionMethods.Get("gradient").Attribute(randomised, x, ClassTarget.Class(1), new AttributionOptions()).Values.Data;
        float[] edges = Edges(x.Data, 128);

        double gradientCorrelation = Randomisation.Spearman(before, after);
        Assert.True(Math.Abs(gradientCorrelation) < 0.3, $"gradient maps keep Spearman {gradientCorrelation} after randomising all {layers} layers");
        Assert.Equal(1, Randomisation.Spearman(edges, Edges(x.Data, 128)), 6); // a model-free map is unchanged by construction
        Assert.True(Randomisation.Ssim(before, after) < Randomisation.Ssim(edges, edges), "SSIM tells them apart too");
        Assert.True(Math.Abs(Randomisation.Spearman(before, before) - 1) < 1e-9);
    }

    [Fact]
    public void TheCascadeRandomisesFromTheTopAndLeavesTheRest()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        IReadOnlyList<string> order = Randomisation.LayersFromTheTop(model);
        OnnxModel topOnly = Randomisation.Cascade(model, 1, seed: 2);

        Assert.Equal("/head/Gemm", order[0]);
        string headWeights = model.Proto.Graph.Node.First(n => n.Name == order[0]).Input[1];
        string firstWeights = model.Proto.Graph.Node.First(n => n.Name == order[^1]).Input[1];
        float[] Weights(OnnxModel m, string name) => GraphIndex.ReadFloats(m.Proto.Graph.Initializer.First(i => i.Name == name));
        Assert.NotEqual(Weights(model, headWeights), Weights(topOnly, headWeights));
        Assert.Equal(Weights(model, firstWeights), Weights(topOnly, firstWeights));
    }

    [Fact]
    public void DataRandomisationTellsAModelTrainedOnShuffledLabelsFromAReplicaWhileAnEdgeDetectorCannot()
    {
        // Three models of one architecture on the same images: the demo model, a replica (another seed) and one trained
        // on shuffled labels. Maps that explain what was learned agree with the replica's and not with the shuffled one's.
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        using OnnxModel replica = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d-replica"));
        using OnnxModel shuffled = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d-shuffled-labels"));
        IAttributionMethod gradient = AttributionMethods.Get("gradient");
        double replicaTotal = 0, shuffledTotal = 0;
        string[] scans = ["2d/slice-02-tumour.png", "2d/slice-03-infarct.png", "2d/slice-05-tumour.png", "2d/slice-06-infarct.png"];
        foreach (string scan in scans)
        {
            FloatTensor x = ModelInputLoader.Load(RepoPaths.DemoScan(scan), model.InputSpec);
            float[] Map(OnnxModel m) => gradient.Attribute(m, x, ClassTarget.Class(scan.Contains("tumour", StringComparison.Ordinal) ? 1 : 2), new AttributionOptions()).Values.Data;
            float[] own = Map(model);
            replicaTotal += Randomisation.Spearman(own, Map(replica));
            shuffledTotal += Randomisation.Spearman(own, Map(shuffled));
            Assert.Equal(1, Randomisation.Spearman(Edges(x.Data, 128), Edges(x.Data, 128)), 6); // the same under any model
        }

        double replicaMean = replicaTotal / scans.Length, shuffledMean = shuffledTotal / scans.Length;
        Assert.True(replicaMean > shuffledMean + 0.1, $"Spearman with the replica {replicaMean}, with the shuffled-labels model {shuffledMean}");
    }

    /// <summary>Gradient magnitude of the image by central differences: a "method" that never looks at the model.</summary>
    private static float[] Edges(float[] image, int width)
    {
        var edges = new float[image.Length];
        for (int i = 0; i < image.Length; i++)
        {
            int x = i % width, y = i / width;
            float dx = x > 0 && x < width - 1 ? image[i + 1] - image[i - 1] : 0;
            float dy = y > 0 && y < (image.Length / width) - 1 ? image[i + width] - image[i - width] : 0;
            edges[i] = MathF.Sqrt((dx * dx) + (dy * dy));
        }

        return edges;
    }
}
