using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.TestUtilities;
using Onnx;

namespace MedExplain.Core.Tests.Onnx.Backward;

/// <summary>If nodes: a branch fixed by the input's shape is folded and differentiated; a branch chosen by the data is
/// refused by name, never answered with the all-zero map a walk that misses the branches' outer reads would give.</summary>
public sealed class ControlFlowTests
{
    [Theory]
    [InlineData(6, "then")]
    [InlineData(2, "else")]
    public void Compile_IfFixedByInputShape_TakesTheBranchAndMatchesFiniteDifferences(int width, string branch)
    {
        using var dir = new TempDirectory();
        TinyModelBuilder builder = Branching(width)
            .IntInitializer("axis1", [1]).IntInitializer("three", [3])
            .Node("Shape", ["x"], ["shape"]).Node("Gather", ["shape", "axis1"], ["width"], attributes: ("axis", 0L))
            .Node("Greater", ["width", "three"], ["wide"]);
        AddIf(builder, "wide");
        using OnnxModel model = OnnxModel.Load(builder.Save(dir.File("if.onnx")));
        var input = new FloatTensor([1, width], FiniteDifferences.WellSeparated(width, 0.05f, seed: 3));
        BackwardSession session = model.Backward(input.Shape, new BackwardRequest("y", RuleSet.Gradient, ["x"], []));
        var seed = new FloatTensor(session.Graph.SeedShape, [.. Enumerable.Repeat(1f, width)]);

        float[] compiled = session.Run(input, seed, [session.Graph.SignalOutputs["x"]])[0].Data;
        float[] numeric = FiniteDifferences.Gradient(model, input, "y", seed.Data, step: 2e-3f);

        Assert.True(compiled.Any(v => v != 0), $"{branch}: the gradient is all zero");
        Assert.True(Numerics.RelativeL2(compiled, numeric) <= 2e-3, $"{branch}: relative L2 error {Numerics.RelativeL2(compiled, numeric):E2}");
    }

    [Fact]
    public void Compile_IfChosenByTheData_IsRefusedByName()
    {
        using var dir = new TempDirectory();
        TinyModelBuilder builder = Branching(4).Initializer("zero", [], [0f])
            .Node("ReduceSum", ["x"], ["total"], attributes: ("keepdims", 0L)).Node("Greater", ["total", "zero"], ["positive"]);
        AddIf(builder, "positive");
        using OnnxModel model = OnnxModel.Load(builder.Save(dir.File("if.onnx")));

        var error = Assert.Throws<UnsupportedModelException>(() => model.Backward([1, 4], new BackwardRequest("y", RuleSet.Gradient, ["x"], [])));

        Assert.Contains("'choose' (If)", error.Message, StringComparison.Ordinal);
        Assert.Contains("depends on the input's data", error.Message, StringComparison.Ordinal);
    }

    /// <summary>x (1, width) → h = x·w; the If's branches read h and x from the outer scope: then y = tanh(h)·x, else
    /// y = σ(h).</summary>
    private static TinyModelBuilder Branching(int width) => new TinyModelBuilder(13).Input("x", null, width).Output("y")
        .Initializer("w", [width], [.. Enumerable.Range(0, width).Select(i => 0.3f + (0.2f * i))])
        .Node("Mul", ["x", "w"], ["h"]);

    private static void AddIf(TinyModelBuilder builder, string condition)
    {
        GraphProto thenBranch = new TinyModelBuilder(13).Output("then_y").Node("Tanh", ["h"], ["t"]).Node("Mul", ["t", "x"], ["then_y"]).Graph;
        GraphProto elseBranch = new TinyModelBuilder(13).Output("else_y").Node("Sigmoid", ["h"], ["else_y"]).Graph;
        builder.Node("If", [condition], ["y"], "choose");
        NodeProto node = builder.Graph.Node[^1];
        node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = thenBranch });
        node.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = elseBranch });
    }
}
