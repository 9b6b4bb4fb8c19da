using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Where gradient: dY goes to the branch that was chosen at each position, summed to each branch's shape.</summary>
internal sealed class WhereRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string dy = outputSignals[0]!, condition = node.Input[0];
        string zero = emit.Scalar(0);
        return
        [
            null,
            emit.Unbroadcast(emit.Where(condition, dy, zero), emit.Shape(node.Input[1])),
            emit.Unbroadcast(emit.Where(condition, zero, dy), emit.Shape(node.Input[2])),
        ];
    }
}
