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
        if (ExactSecant(node, emit) is { } secant)
        {
            fallback[0] = emit.Binary("Mul", outputSignals[0]!, secant);
            return fallback;
        }

        fallback[0] = emit.Where(tiny, fallback[0]!, emit.Binary("Mul", outputSignals[0]!, ratio));
        return fallback;
    }

    /// <summary>Δy/Δx in closed form where one exists, free of the cancellation a float32 ratio of two small differences
    /// suffers (normalisation layers divide by such differences): x² → x + x̄, √x → 1/(√x + √x̄), 1/x → −1/(x·x̄).</summary>
    private static string? ExactSecant(NodeProto node, BackwardEmitter emit)
    {
        string x = node.Input[0], xRef = emit.Reference(x), y = node.Output[0], yRef = emit.Reference(y);
        switch (node.OpType)
        {
            case "Pow" when emit.IntegerConstant(node.Input[1]) is null && emit.FloatConstant(node.Input[1]) is { } exponent
                && GraphIndex.ReadFloats(exponent) is [2f]:
                return emit.Binary("Add", x, xRef);
            case "Sqrt":
                string sum = emit.Binary("Add", y, yRef);
                string positive = emit.Binary("Greater", sum, emit.Scalar(0));
                return emit.Where(positive, emit.Binary("Div", emit.Scalar(1), emit.Where(positive, sum, emit.Scalar(1))), emit.Scalar(0));
            case "Reciprocal":
                return emit.Unary("Neg", emit.Binary("Div", emit.Scalar(1), emit.Binary("Mul", x, xRef)));
            default:
                return null;
        }
    }
}
