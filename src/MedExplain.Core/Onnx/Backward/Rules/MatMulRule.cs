using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>MatMul of rank ≥ 2 operands with batch broadcasting: dA = dY·Bᵀ, dB = Aᵀ·dY (transposing the last two
/// axes), each summed back over broadcast batch axes.</summary>
internal sealed class MatMulRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string dy = outputSignals[0]!;
        string a = node.Input[0], b = node.Input[1];
        int[] shapeA = emit.Shape(a), shapeB = emit.Shape(b), shapeY = emit.Shape(dy);
        if (shapeA.Length < 2 || shapeB.Length < 2)
        {
            throw new NotSupportedException($"MatMul '{node.Name}' has a 1-D operand; only rank ≥ 2 operands are supported.");
        }

        string da = emit.Node("MatMul", [dy, SwapLast(emit, b)], [.. shapeY[..^1], shapeB[^2]]);
        string db = emit.Node("MatMul", [SwapLast(emit, a), dy], [.. shapeY[..^2], shapeA[^1], shapeY[^1]]);
        return [emit.Unbroadcast(da, shapeA), emit.Unbroadcast(db, shapeB)];
    }

    private static string SwapLast(BackwardEmitter emit, string x)
    {
        int[] shape = emit.Shape(x);
        long[] perm = [.. Enumerable.Range(0, shape.Length).Select(i => (long)i)];
        (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
        int[] swapped = (int[])shape.Clone();
        (swapped[^1], swapped[^2]) = (swapped[^2], swapped[^1]);
        return emit.Node("Transpose", [x], swapped, ("perm", perm));
    }
}
