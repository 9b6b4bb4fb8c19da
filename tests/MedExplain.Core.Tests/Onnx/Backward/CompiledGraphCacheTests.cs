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
    private readonly Lazy<string> _model;

    public CompiledGraphCacheTests()
    {
        Environment.SetEnvironmentVariable("MEDEXPLAIN_CACHE", _cache.Path);
        _model = new Lazy<string>(() =>
        {
            var proto = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(RepoPaths.TestData("zoo/cnn3d.onnx")));
            proto.DocString = Guid.NewGuid().ToString();
            string path = Path.Combine(_cache.Path, "cnn3d.onnx");
            File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));
            return path;
        });
    }

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
        string entry = EntryOf(input, request);
        DateTime written = File.GetLastWriteTimeUtc(entry);

        float[] second = Gradient(input, request);

        // A compile would have written the entry again.
        Assert.Equal(written, File.GetLastWriteTimeUtc(entry));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Backward_DamagedEntry_IsIgnoredAndWrittenAgain()
    {
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("zoo/cnn3d.input.npy"));
        var request = new BackwardRequest("logits", RuleSet.Gradient, ["input"], []);
        float[] first = Gradient(input, request);
        string entry = Path.ChangeExtension(EntryOf(input, request), ".json");
        File.WriteAllText(entry, "{ not json");
        File.WriteAllBytes(Path.ChangeExtension(entry, ".onnx"), [1, 2, 3]);

        float[] second = Gradient(input, request);

        Assert.Equal(first, second);
        Assert.StartsWith("{\"InputName\"", File.ReadAllText(entry), StringComparison.Ordinal);
    }

    [Fact]
    public void Backward_FirstWrite_RemovesTheEntriesOfOtherBuilds()
    {
        // Every build keys its own entries; without pruning, a developer's cache would keep every build's graphs.
        string otherBuild = Path.Combine(Path.GetDirectoryName(CompiledGraphCache.Folder!)!, "an-older-build");
        Directory.CreateDirectory(otherBuild);
        File.WriteAllText(Path.Combine(otherBuild, "stale.json"), "{}");

        Gradient(NpyReader.Read(RepoPaths.TestData("zoo/cnn3d.input.npy")), new BackwardRequest("logits", RuleSet.DeConvNet, ["input"], []));

        Assert.False(Directory.Exists(otherBuild));
        Assert.True(Directory.Exists(CompiledGraphCache.Folder));
    }

    /// <summary>The cached graph's file. The model carries a doc string of this test's own, so no other test, running
    /// meanwhile with the same cache folder, shares its entries.</summary>
    private string EntryOf(FloatTensor input, BackwardRequest request)
    {
        using OnnxModel model = OnnxModel.Load(_model.Value);
        return Path.Combine(CompiledGraphCache.Folder!, CompiledGraphCache.Key(model.GraphHash, input.Shape, request) + ".onnx");
    }

    private float[] Gradient(FloatTensor input, BackwardRequest request)
    {
        using OnnxModel model = OnnxModel.Load(_model.Value);
        BackwardSession session = model.Backward(input.Shape, request);
        var seed = new FloatTensor(session.Graph.SeedShape, [.. Enumerable.Range(0, 6).Select(i => (float)(i % 3 == 0 ? 1 : 0))]);
        return session.Run(input, seed, [session.Graph.SignalOutputs["input"]])[0].Data;
    }
}
