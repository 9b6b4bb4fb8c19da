using MedExplain.Imaging.Npy;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Onnx;

/// <summary>Runtime options given at load reach every session of the model, the compiled explanation graphs included.</summary>
public sealed class RuntimeOptionsTests
{
    [Fact]
    public void Load_WithRuntimeOptions_AppliesThemToTheModelAndItsCompiledGraphs()
    {
        int configured = 0;
        var runtime = new RuntimeOptions { IntraOpThreads = 1, InterOpThreads = 1, Configure = _ => Interlocked.Increment(ref configured) };
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("zoo/cnn3d.onnx"), runtime: runtime);
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("zoo/cnn3d.input.npy"));
        int afterLoad = configured;

        BackwardSession session = model.Backward(input.Shape, new BackwardRequest("logits", RuleSet.Gradient, ["input"], []));
        session.Run(input, new FloatTensor(session.Graph.SeedShape), [session.Graph.SignalOutputs["input"]]);

        Assert.Same(runtime, model.Runtime);
        Assert.Equal(1, afterLoad);
        Assert.True(configured > afterLoad, "the compiled graph's session was made without the model's runtime options");
    }
}
