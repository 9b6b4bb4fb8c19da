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
    public void ByOcclusion_OfAVectorLayer_IsTheCosinesDropWhenEachWindowIsZeroed()
    {
        // The pooled vector itself (no positions): maps come from occluding 16×16 windows of the 128×128 slice.
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        string pooled = model.Proto.Graph.Node.First(n => n.Name == model.FindCamLayers()[^1].PoolingNode).Output[0];
        FloatTensor query = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-02-tumour.png"), model.InputSpec);
        FloatTensor other = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-05-tumour.png"), model.InputSpec);
        float[] target = CaseEmbedding.Of(model, other, pooled, 1L << 30).Vector;

        float[] map = SimilarityMap.ByOcclusion(model, query, pooled, [target], 1L << 30)[0];

        // By hand: the window of rows 32–47 and columns 48–63 set to 0.
        float[] occluded = [.. query.Data];
        for (int y = 32; y < 48; y++)
        {
            for (int x = 48; x < 64; x++)
            {
                occluded[(y * 128) + x] = 0;
            }
        }

        double whole = CaseEmbedding.Cosine(CaseEmbedding.Of(model, query, pooled, 1L << 30).Vector, target);
        double without = CaseEmbedding.Cosine(CaseEmbedding.Of(model, new FloatTensor(query.Shape, occluded), pooled, 1L << 30).Vector, target);
        Assert.Equal(whole - without, map[(40 * 128) + 50], 5);
        Assert.All(Enumerable.Range(32, 16).SelectMany(y => Enumerable.Range(48, 16).Select(x => map[(y * 128) + x])), v => Assert.Equal(map[(32 * 128) + 48], v));
        Assert.InRange(map.Distinct().Count(), 2, 64); // one value per window
    }

    [Fact]
    public void ComparingEmbeddingsOfDifferentLayers_IsRefused()
    {
        var a = new CaseEmbedding("a", [1, 2], 2, [1]);
        var b = new CaseEmbedding("b", [1, 2], 2, [1]);

        Assert.Throws<MedExplainParameterException>(() => SimilarityMap.Of(a, b));
    }
}
