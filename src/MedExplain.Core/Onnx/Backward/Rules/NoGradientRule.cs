using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Ops whose output is piecewise constant or not a number (comparisons, logic, Shape, ArgMax, rounding, and
/// tensors built from shapes such as ConstantOfShape):
/// their gradient is zero almost everywhere, so no signal passes.</summary>
internal sealed class NoGradientRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit) => new string?[node.Input.Count];
}
