using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>
/// DeepLIFT for MaxPool, GlobalMaxPool, ReduceMax and ReduceMin, as Captum defines it for max pooling: with m = max(y, ȳ), each window's signal times
/// (m − ȳ) goes to the input's winner and times (y − m) to the reference's winner, and the sum is divided by Δx (the
/// gradient where |Δx| is tiny). The contributions of a window add up to its Δy, so the sum to delta holds even when
/// input and reference pick different winners, which the plain gradient does not give.
/// </summary>
/// <param name="gradient">The op's gradient rule, which routes a signal to the winners.</param>
internal sealed class DeepLiftMaxPoolRule(IBackwardRule gradient) : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string signal = outputSignals[0]!, x = node.Input[0], y = node.Output[0];
        string xRef = emit.Reference(x), yRef = emit.Reference(y);
        string larger = emit.Binary("Max", y, yRef);
        string toInput = gradient.Backward(node, [emit.Binary("Mul", signal, emit.Binary("Sub", larger, yRef))], emit)[0]!;

        // The reference's own winners: a copy of the pool on the reference input, routed by the same rule.
        NodeProto onReference = node.Clone();
        onReference.Input[0] = xRef;
        while (onReference.Output.Count > 1)
        {
            onReference.Output.RemoveAt(1);
        }

        emit.Clone(onReference, emit.Shape(y));
        string toReference = gradient.Backward(onReference, [emit.Binary("Mul", signal, emit.Binary("Sub", y, larger))], emit)[0]!;

        string plain = gradient.Backward(node, [signal], emit)[0]!;
        string dx = emit.Binary("Sub", x, xRef);
        string tiny = emit.Binary("Less", emit.Unary("Abs", dx), emit.Scalar(DeepLiftRescaleRule.Tolerance));
        string ratio = emit.Binary("Div", emit.Binary("Add", toInput, toReference), emit.Where(tiny, emit.Scalar(1), dx));
        return [emit.Where(tiny, plain, ratio)];
    }
}
