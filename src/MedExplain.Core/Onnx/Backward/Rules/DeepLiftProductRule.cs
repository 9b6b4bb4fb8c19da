using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>
/// DeepLIFT for products of two activations (squeeze-excitation and SiLU gates, attention's Q·Kᵀ and A·V): the
/// Shapley split of the two-player product, Δ(a·b) = Δa·(b + b̄)/2 + (a + ā)/2·Δb, which sums to delta exactly. For a
/// bilinear op it equals the gradient taken at the midpoint of input and reference, so Mul and MatMul reuse their
/// gradient rules on the midpoints. A quotient a/b whose denominator is an activation (normalisation layers written
/// out) is split in order, also exactly: Δ(a/b) = Δa/b + ā·Δ(1/b) with Δ(1/b)/Δb = −1/(b·b̄). The symmetric split would
/// divide by the reference's b̄, which for a norm of a constant reference is √ε: the float32 rounding it multiplies
/// broke the sum to delta by 0.9 % on ConvNeXt. With one operand fixed, the op is linear and keeps its gradient.
/// </summary>
/// <param name="gradient">The op's gradient rule.</param>
internal sealed class DeepLiftProductRule(IBackwardRule gradient) : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string a = node.Input[0], b = node.Input[1];
        bool aVaries = emit.DependsOnInput(a), bVaries = emit.DependsOnInput(b);
        if (node.OpType == "Div")
        {
            return bVaries ? Quotient(node, outputSignals[0]!, emit) : gradient.Backward(node, outputSignals, emit);
        }

        if (!aVaries || !bVaries)
        {
            return gradient.Backward(node, outputSignals, emit);
        }

        NodeProto atMidpoint = node.Clone();
        atMidpoint.Input[0] = Midpoint(emit, a);
        atMidpoint.Input[1] = Midpoint(emit, b);
        return gradient.Backward(atMidpoint, outputSignals, emit);
    }

    private static string Midpoint(BackwardEmitter emit, string tensor) =>
        emit.Binary("Mul", emit.Binary("Add", tensor, emit.Reference(tensor)), emit.Scalar(0.5f));

    private static string?[] Quotient(NodeProto node, string signal, BackwardEmitter emit)
    {
        string a = node.Input[0], b = node.Input[1], bRef = emit.Reference(b);
        string da = emit.Binary("Div", signal, b);

        // ā · Rescale of 1/b, in closed form: ā · (1/b − 1/b̄)/(b − b̄) = −ā/(b·b̄).
        string slope = emit.Binary("Div", emit.Unary("Neg", emit.Reference(a)), emit.Binary("Mul", b, bRef));
        string dbSignal = emit.Binary("Mul", signal, slope);
        return [emit.Unbroadcast(da, emit.Shape(a)), emit.Unbroadcast(dbSignal, emit.Shape(b))];
    }
}
