using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Abs gradient, sign(X) (0 at 0, as torch); Reciprocal gradient, −1/X² = −Y².</summary>
internal sealed class AbsRule : SlopeRule
{
    protected override string Slope(NodeProto node, BackwardEmitter emit) => node.OpType == "Reciprocal"
        ? emit.Unary("Neg", emit.Binary("Mul", node.Output[0], node.Output[0]))
        : emit.Unary("Sign", node.Input[0]);
}
