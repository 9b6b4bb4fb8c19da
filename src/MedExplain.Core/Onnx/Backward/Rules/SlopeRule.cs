using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>The gradient of an element-wise function of one input: dX = dY · f′(X), with f′ written by each op.</summary>
internal abstract class SlopeRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit) =>
        [emit.Binary("Mul", outputSignals[0]!, Slope(node, emit))];

    /// <summary>f′ at the node's input, shaped like it.</summary>
    protected abstract string Slope(NodeProto node, BackwardEmitter emit);

    /// <summary>Where(X &gt; <paramref name="at"/>, <paramref name="above"/>, <paramref name="below"/>).</summary>
    protected static string Piecewise(BackwardEmitter emit, string x, float at, string above, string below) =>
        emit.Where(emit.Binary("Greater", x, emit.Scalar(at)), above, below);

    /// <summary>σ(X) = 1 / (1 + e^−X).</summary>
    protected static string Sigmoid(BackwardEmitter emit, string x) => emit.Unary("Sigmoid", x);
}
