using Onnx;

namespace MedExplain.Onnx.Backward.Rules.Lrp;

/// <summary>
/// Relevance split in proportion to contributions through a parameter-free linear op (Zennit's Norm): residual Add/Sum,
/// AveragePool, GlobalAveragePool, ReduceMean, and BatchNormalization treated as a linear layer when it cannot be
/// folded. R_i = x_i ⊙ ∂z/∂x_iᵀ(R ⊘ stab(z)), with the op's own gradient rule giving the transpose.
/// </summary>
/// <param name="gradient">The op's gradient rule.</param>
internal sealed class LrpNormRule(IBackwardRule gradient) : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string z = node.Output[0];
        string sign = emit.Where(emit.Binary("Less", z, emit.Scalar(0)), emit.Scalar(-1e-6f), emit.Scalar(1e-6f));
        string s = emit.Binary("Div", outputSignals[0]!, emit.Binary("Add", z, sign));
        string?[] transposed = gradient.Backward(node, [s, .. outputSignals.Skip(1).Select(_ => (string?)null)], emit);
        var relevance = new string?[transposed.Length];
        int data = node.OpType == "BatchNormalization" ? 1 : transposed.Length;
        for (int i = 0; i < transposed.Length && i < data; i++)
        {
            relevance[i] = transposed[i] is { } t && emit.FloatConstant(node.Input[i]) is null ? emit.Binary("Mul", node.Input[i], t) : null;
        }

        return relevance;
    }
}
