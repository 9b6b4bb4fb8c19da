using MedExplain.Imaging.Npy;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Onnx.Backward;

/// <summary>Compiled graphs kept on disk: a new model object (a new process, in practice) takes the graph from the
/// cache and computes the same gradient; a damaged entry is ignored and written again.</summary>
[Collection(nameof(CompiledGraphCacheTests))]
public sealed class CompiledGraphCacheTests : IDisposable
{
    private readonly TempDirectory _cache = new();
    private readonly string? _previous = Environment.GetEnvironmentVariable("MEDEXPLAIN_CACHE");

    public CompiledGraphCacheTests() => Environment.SetEnvironmentVariable("MEDEXPLAIN_CACHE", _cache.Path);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("MEDEXPLAIN_CACHE", _previous);
        _cache.Dispose();
    }

    [Fact]
    public void Backward_SecondModelObject_TakesTheGraphFromDiskAndAgrees()
    {
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("zoo/cnn3d.input.npy"));
        var request = new BackwardRequest("logits", RuleSet.GuidedBackprop, ["input"], []);
        float[] first = Gradient(input, request);
        int hits = CompiledGraphCache.Hits;

        float[] second = Gradient(input, request);

        Assert.True(CompiledGraphCache.Hits > hits, "the second compile did not come from the cache");
        Assert.Equal(first, second);
        Assert.Single(Directory.GetFiles(Path.Combine(_cache.Path, "compiled"), "*.onnx"));
    }

    [Fact]
    public void Backward_DamagedEntry_IsIgnoredAndWrittenAgain()
    {
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("zoo/cnn3d.input.npy"));
        var request = new BackwardRequest("logits", RuleSet.Gradient, ["input"], []);
        float[] first = Gradient(input, request);
        string entry = Directory.GetFiles(Path.Combine(_cache.Path, "compiled"), "*.json").Single();
        File.WriteAllText(entry, "{ not json");
        File.WriteAllBytes(Path.ChangeExtension(entry, ".onnx"), [1, 2, 3]);

        float[] second = Gradient(input, request);

        Assert.Equal(first, second);
        Assert.StartsWith("{\"InputName\"", File.ReadAllText(entry), StringComparison.Ordinal);
    }

    private static float[] Gradient(FloatTensor input, BackwardRequest request)
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("zoo/cnn3d.onnx"));
        BackwardSession session = model.Backward(input.Shape, request);
        var seed = new FloatTensor(session.Graph.SeedShape, [.. Enumerable.Range(0, 6).Select(i => (float)(i % 3 == 0 ? 1 : 0))]);
        return session.Run(input, seed, [session.Graph.SignalOutputs["input"]])[0].Data;
    }
}
