using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Gemm, Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A (likewise B'): dA' = α·dY·B'ᵀ, dB' = α·A'ᵀ·dY, dC = β·dY
/// summed to C's shape. Each is written as one Gemm with the transposes folded into its flags (and, before opset 11, where C
/// was required, a zero C).</summary>
internal sealed class GemmRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string dy = outputSignals[0]!;
        float alpha = NodeAttributes.Real(node, "alpha", 1);
        float beta = NodeAttributes.Real(node, "beta", 1);
        bool transA = NodeAttributes.Whole(node, "transA", 0) == 1;
        bool transB = NodeAttributes.Whole(node, "transB", 0) == 1;
        string a = node.Input[0], b = node.Input[1];
        int[] shapeA = emit.Shape(a), shapeB = emit.Shape(b);

        // dA = α·dY·B'ᵀ (transA = 0) or its transpose α·B'·dYᵀ (transA = 1).
        string da = transA
            ? Gemm(emit, b, dy, alpha, transB, true, shapeA)
            : Gemm(emit, dy, b, alpha, false, !transB, shapeA);

        // dB = α·A'ᵀ·dY (transB = 0) or its transpose α·dYᵀ·A' (transB = 1).
        string db = transB
            ? Gemm(emit, dy, a, alpha, true, transA, shapeB)
            : Gemm(emit, a, dy, alpha, !transA, false, shapeB);

        string? dc = node.Input.Count > 2 && node.Input[2].Length > 0
            ? emit.Unbroadcast(emit.Binary("Mul", dy, emit.Scalar(beta)), emit.Shape(node.Input[2]))
            : null;
        return [da, db, dc];
    }

    private static string Gemm(BackwardEmitter emit, string x, string y, float alpha, bool transX, bool transY, int[] shape) =>
        emit.Node("Gemm", emit.Opset >= 11 ? [x, y] : [x, y, emit.Scalar(0)], shape, ("alpha", alpha), ("transA", transX ? 1L : 0L), ("transB", transY ? 1L : 0L));
}
