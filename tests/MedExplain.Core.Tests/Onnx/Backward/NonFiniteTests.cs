using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Onnx.Backward;

/// <summary>No map with NaN or ±Inf leaves a compiled graph: the run fails and names where the first one appeared.</summary>
public sealed class NonFiniteTests
{
    [Fact]
    public void Run_BackwardPassOverflows_NamesTheForwardNodeWhoseRuleDidIt()
    {
        using var dir = new TempDirectory();
        string path = new TinyModelBuilder(13).Input("x", null, 3).Output("y")
            .Node("Mul", ["x", "x"], ["r"], "square").Node("Sqrt", ["r"], ["y"], "root").Save(dir.File("sqrt.onnx"));
        using OnnxModel model = OnnxModel.Load(path);
        BackwardSession session = model.Backward([1, 3], new BackwardRequest("y", RuleSet.Gradient, ["x"], []));

        // d√r/dr = 1/(2√r) is infinite at r = 0; the square's rule behind it then multiplies ∞ by 2x = 0.
        var error = Assert.Throws<NonFiniteResultException>(() =>
            session.Run(new FloatTensor([1, 3], [0.5f, 0f, 2f]), new FloatTensor([1, 3], [1, 1, 1]), [session.Graph.SignalOutputs["x"]]));

        Assert.Equal("backward of 'root' (Sqrt)", error.Origin);
        Assert.Contains("first appear at node", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ForwardPassGoesNaN_NamesTheForwardNode()
    {
        using var dir = new TempDirectory();
        string path = new TinyModelBuilder(13).Input("x", null, 3).Output("y")
            .Node("Neg", ["x"], ["n"], "flip").Node("Sqrt", ["n"], ["y"], "root").Save(dir.File("sqrt.onnx"));
        using OnnxModel model = OnnxModel.Load(path);
        BackwardSession session = model.Backward([1, 3], new BackwardRequest("y", RuleSet.Gradient, ["x"], []));

        var error = Assert.Throws<NonFiniteResultException>(() =>
            session.Run(new FloatTensor([1, 3], [-0.5f, 1f, -2f]), new FloatTensor([1, 3], [1, 1, 1]), [session.Graph.SignalOutputs["x"]]));

        Assert.Equal("root", error.Node);
        Assert.Equal(string.Empty, error.Origin);
    }
}
