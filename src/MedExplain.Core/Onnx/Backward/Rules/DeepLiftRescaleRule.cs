using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>
/// DeepLIFT Rescale for an element-wise nonlinearity: the multiplier is Δy/Δx (differences from the reference input's
/// activations), and the gradient where |Δx| is too small for the ratio to be trusted. Linear ops keep their gradient
/// rules, whose multipliers are exact.
/// </summary>
/// <param name="gradient">The op's gradient rule, the fallback.</param>
internal sealed class DeepLiftRescaleRule(IBackwardRule gradient) : IBackwardRule
{
    /// <summary>Below this |Δx| the ratio is replaced by the gradient (Captum uses 1e-10 in float64; float32 needs more room).</summary>
    public const float Tolerance = 1e-6f;

    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string x = node.Input[0], y = node.Output[0];
        string dx = emit.Binary("Sub", x, emit.Reference(x));
        string dy = emit.Binary("Sub", y, emit.Reference(y));
        string tiny = emit.Binary("Less", emit.Unary("Abs", dx), emit.Scalar(Tolerance));
        string ratio = emit.Binary("Div", dy, emit.Where(tiny, emit.Scalar(1), dx));
        string?[] fallback = gradient.Backward(node, outputSignals, emit);
        fallback[0] = emit.Where(tiny, fallback[0]!, emit.Binary("Mul", outputSignals[0]!, ratio));
        return fallback;
    }
}
