using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Gather gradient with respect to the data (constant indices, as in class-token and position look-ups):
/// each output slice's signal is added back at the index it came from, by ScatterElements with reduction "add" over
/// an index tensor expanded to dY's shape at compile time.</summary>
internal sealed class GatherRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        if (emit.Opset < 16)
        {
            throw new NotSupportedException($"Gather '{node.Name}': its backward pass needs ScatterElements with reduction (opset 16+); the model is opset {emit.Opset}.");
        }

        int[] data = emit.Shape(node.Input[0]);
        long[] indices = emit.IntegerConstant(node.Input[1]) ?? throw new NotSupportedException($"Gather '{node.Name}' computes its indices at run time.");
        int axis = (int)NodeAttributes.Whole(node, "axis", 0);
        axis = axis < 0 ? axis + data.Length : axis;
        int outer = data[..axis].Aggregate(1, (p, d) => p * d), inner = data[(axis + 1)..].Aggregate(1, (p, d) => p * d);

        // dY viewed as (outer, k, inner) with k = number of indices; scatter along the middle axis into (outer, n, inner).
        int k = indices.Length;
        var expanded = new long[outer * k * inner];
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < k; j++)
            {
                long at = indices[j] < 0 ? indices[j] + data[axis] : indices[j];
                Array.Fill(expanded, at, ((o * k) + j) * inner, inner);
            }
        }

        string updates = emit.Reshape(outputSignals[0]!, [outer, k, inner]);
        string index = emit.Node("Reshape", [emit.Ints(expanded), emit.Ints(outer, k, inner)], [outer, k, inner]);
        string zeros = emit.Zeros([outer, data[axis], inner]);
        string scattered = emit.Node("ScatterElements", [zeros, index, updates], [outer, data[axis], inner], ("axis", 1L), ("reduction", "add"));
        return [emit.Reshape(scattered, data), null];
    }
}
