using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>GlobalMaxPool gradient: dY goes to the positions that hold the maximum (all of them, on ties).</summary>
internal sealed class GlobalMaxPoolRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] x = emit.Shape(node.Input[0]);
        string winners = emit.Compare("Equal", node.Input[0], node.Output[0]);
        return [emit.Where(winners, emit.Expand(outputSignals[0]!, x), emit.Scalar(0))];
    }
}
