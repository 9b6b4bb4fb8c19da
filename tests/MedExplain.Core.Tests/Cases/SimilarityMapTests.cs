using MedExplain.Cases;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Cases;

/// <summary>The similarity map splits the cosine of two mean-pooled embeddings exactly over positions.</summary>
public sealed class SimilarityMapTests
{
    [Theory]
    [InlineData(1, 8, 49)]
    [InlineData(2, 3, 1)]
    [InlineData(3, 16, 512)]
    public void Map_OfRandomActivations_SumsToTheCosine(int seed, int channels, int positions)
    {
        var rng = new Random(seed);
        CaseEmbedding Random() => new("layer", [.. Enumerable.Range(0, channels * positions).Select(_ => (float)rng.NextDouble() - 0.3f)], channels, [positions]);
        CaseEmbedding query = Random(), neighbour = Random();

        double cosine = CaseEmbedding.Cosine(query.Vector, neighbour.Vector);

        Assert.Equal(cosine, SimilarityMap.Of(query, neighbour).Sum(v => (double)v), 6);
        Assert.Equal(cosine, SimilarityMap.Of(neighbour, query).Sum(v => (double)v), 6);
    }

    [Fact]
    public void Embedding_OfTheDemoModel_IsTheHeadsPooledInput()
    {
        // The default layer feeds global average pooling: the embedding must equal the pooled tensor the model computes.
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor input = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-02-tumour.png"), model.InputSpec);
        string pooled = model.FindCamLayers()[^1].PoolingNode;
        string pooledTensor = model.Proto.Graph.Node.First(n => n.Name == pooled).Output[0];

        CaseEmbedding embedding = CaseEmbedding.Of(model, input, null, 1L << 30);
        float[] expected = [];
        TensorReader.Stream(model, input, [pooledTensor], 1L << 30, (_, values) => expected = values[0]);

        Assert.Equal(model.FindCamLayers()[^1].TensorName, embedding.Layer);
        Assert.True(Numerics.MaxAbsDifference(embedding.Vector, expected) < 1e-5);
    }

    [Fact]
    public void Within_ARegion_PoolsOnlyItsCellsByTheShareTheyCover_AndTheMapStillSumsToTheCosine()
    {
        // A 2-channel 2×2 activation over a 4×4 input: each position's cell is a 2×2 block of input voxels.
        var rng = new Random(5);
        var query = new CaseEmbedding("layer", [.. Enumerable.Range(0, 8).Select(_ => (float)rng.NextDouble())], 2, [2, 2]);
        var other = new CaseEmbedding("layer", [.. Enumerable.Range(0, 8).Select(_ => (float)rng.NextDouble())], 2, [2, 2]);
        float[] region = new float[16];
        region[0] = region[1] = region[4] = region[5] = 1; // all of the top-left cell
        region[2] = 1;                                   // a quarter of the top-right cell

        CaseEmbedding within = query.Within(region, [4, 4]);

        // By hand: weights 1, 1/4, 0, 0 per position; the embedding pools the weighed activation.
        float[] weights = [1, 0.25f, 0, 0];
        float[] expected = [.. Enumerable.Range(0, 8).Select(i => query.Activation[i] * weights[i % 4])];
        Assert.Equal(expected, within.Activation);
        float[] map = SimilarityMap.Of(within, other);
        Assert.Equal(0, map[2]);
        Assert.Equal(0, map[3]);
        Assert.Equal(CaseEmbedding.Cosine(within.Vector, other.Vector), map.Sum(v => (double)v), 6);
        Assert.Equal(query.Activation, query.Within(Enumerable.Repeat(1f, 16).ToArray(), [4, 4]).Activation);
    }

    [Fact]
    public void Within_AnEmptyRegionOrAVectorLayer_IsRefused()
    {
        var spatial = new CaseEmbedding("layer", new float[8], 2, [2, 2]);
        var vector = new CaseEmbedding("layer", new float[2], 2, []);

        Assert.Equal("region", Assert.Throws<MedExplainParameterException>(() => spatial.Within(new float[16], [4, 4])).Parameter);
        Assert.Equal("region", Assert.Throws<MedExplainParameterException>(() => vector.Within(new float[16], [4, 4])).Parameter);
    }

    [Fact]
    public void ComparingEmbeddingsOfDifferentLayers_IsRefused()
    {
        var a = new CaseEmbedding("a", [1, 2], 2, [1]);
        var b = new CaseEmbedding("b", [1, 2], 2, [1]);

        Assert.Throws<MedExplainParameterException>(() => SimilarityMap.Of(a, b));
    }
}
