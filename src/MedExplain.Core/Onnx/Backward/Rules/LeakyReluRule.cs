using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>LeakyReLU gradient: dX = dY where X &gt; 0, else alpha·dY.</summary>
internal sealed class LeakyReluRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        float alpha = NodeAttributes.Real(node, "alpha", 0.01f);
        string dy = outputSignals[0]!;
        string positive = emit.Binary("Greater", node.Input[0], emit.Scalar(0));
        return [emit.Where(positive, dy, emit.Binary("Mul", dy, emit.Scalar(alpha)))];
    }
}
