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

    [Fact]
    public void Attribute_PerturbationOfANaNInput_IsRefusedNotReturned()
    {
        using var dir = new TempDirectory();
        string path = new TinyModelBuilder(11).Input("x", null, 1, 4, 4).Output("y")
            .Node("ReduceSum", ["x"], ["s"], attributes: [("axes", new long[] { 2, 3 }), ("keepdims", 0L)]).Node("Identity", ["s"], ["y"])
            .Save(dir.File("sum.onnx"));
        using OnnxModel model = OnnxModel.Load(path);
        var input = new FloatTensor([1, 1, 4, 4], [.. Enumerable.Range(0, 16).Select(i => i == 5 ? float.NaN : i)]);

        var error = Assert.Throws<MedExplainInputException>(() =>
            MedExplain.Methods.AttributionMethods.Get("occlusion").Attribute(model, input, MedExplain.Methods.ClassTarget.Class(0), new MedExplain.Methods.AttributionOptions()));

        Assert.Contains("occlusion produced NaN or infinite values in the map of item 0", error.Message, StringComparison.Ordinal);
    }
}
