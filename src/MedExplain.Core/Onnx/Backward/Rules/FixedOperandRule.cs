using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>A rule that holds only while one operand does not depend on the model input (Where's condition, Pow's
/// exponent under DeepLIFT); otherwise the node is refused, saying which operand varies.</summary>
/// <param name="rule">The rule that applies while the operand is fixed.</param>
/// <param name="operand">The operand's input index.</param>
/// <param name="role">What the operand is, for the message.</param>
internal sealed class FixedOperandRule(IBackwardRule rule, int operand, string role) : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit) =>
        emit.DependsOnInput(node.Input[operand])
            ? throw new NotSupportedException($"{node.OpType} '{node.Name}': {role} depends on the input, and this rule set has no rule for that.")
            : rule.Backward(node, outputSignals, emit);
}
