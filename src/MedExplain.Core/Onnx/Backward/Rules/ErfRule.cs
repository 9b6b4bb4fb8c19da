using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Erf gradient (GELU's building block): dX = dY · 2/√π · exp(−X²).</summary>
internal sealed class ErfRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string x = node.Input[0];
        string gauss = emit.Unary("Exp", emit.Binary("Mul", emit.Binary("Mul", x, x), emit.Scalar(-1)));
        return [emit.Binary("Mul", outputSignals[0]!, emit.Binary("Mul", gauss, emit.Scalar(2 / MathF.Sqrt(MathF.PI))))];
    }
}
