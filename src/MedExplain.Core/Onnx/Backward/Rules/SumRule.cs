using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Variadic Sum with broadcasting: every input gets dY, summed back to its own shape.</summary>
internal sealed class SumRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit) =>
        [.. node.Input.Select(input => emit.Unbroadcast(outputSignals[0]!, emit.Shape(input)))];
}
