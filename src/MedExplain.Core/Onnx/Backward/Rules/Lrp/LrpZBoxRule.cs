using Onnx;

namespace MedExplain.Onnx.Backward.Rules.Lrp;

/// <summary>
/// LRP-z^B for a bounded first layer, inputs within [low, high]: z = (W·x + b) − (W⁺·l + b⁺) − (W⁻·h + b⁻),
/// R_x = x ⊙ Wᵀs − l ⊙ W⁺ᵀs − h ⊙ W⁻ᵀs with s = R ⊘ stab(z).
/// </summary>
/// <param name="low">The lowest input value, or null for each item's own minimum (computed in the graph, so that an
/// item's map does not depend on the rest of its batch).</param>
/// <param name="high">The highest input value, or null for each item's own maximum.</param>
internal sealed class LrpZBoxRule(float? low, float? high) : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        LrpLayer layer = LrpLayer.Require(node, emit);
        int[] shape = emit.Shape(layer.X);
        int[] itemAxes = [.. Enumerable.Range(1, shape.Length - 1)];
        string Bound(float? value, string reducer) => emit.Expand(value is float v ? emit.Scalar(v) : emit.Reduce(reducer, layer.X, itemAxes), shape);
        string l = Bound(low, "ReduceMin"), h = Bound(high, "ReduceMax");
        string wPositive = layer.Part(layer.W, positive: true), wNegative = layer.Part(layer.W, positive: false);
        string? bPositive = layer.B is { } b ? layer.Part(b, positive: true) : null;
        string? bNegative = layer.B is { } b2 ? layer.Part(b2, positive: false) : null;
        string z = emit.Binary(
            "Sub",
            emit.Binary("Sub", layer.Z, layer.Forward(l, wPositive, bPositive)),
            layer.Forward(h, wNegative, bNegative));
        string s = layer.Ratio(outputSignals[0]!, z, 1e-6f);
        string relevance = emit.Binary(
            "Sub",
            emit.Binary("Sub", layer.Contribution(layer.X, layer.W, s), layer.Contribution(l, wPositive, s)),
            layer.Contribution(h, wNegative, s));
        return layer.Signals(relevance);
    }
}
