using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Transpose gradient: transpose dY with the inverse permutation.</summary>
internal sealed class TransposeRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] x = emit.Shape(node.Input[0]);
        long[] perm = NodeAttributes.Integers(node, "perm") ?? [.. Enumerable.Range(0, x.Length).Reverse().Select(a => (long)a)];
        var inverse = new long[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            inverse[perm[i]] = i;
        }

        return [emit.Node("Transpose", [outputSignals[0]!], x, ("perm", inverse))];
    }
}
