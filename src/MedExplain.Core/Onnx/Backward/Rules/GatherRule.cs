using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Gather gradient with respect to the data (constant indices, as in class-token and position look-ups):
/// each output slice's signal is added back at the index it came from. From opset 16 by ScatterElements with reduction
/// "add" over an index tensor expanded to dY's shape at compile time; before it by a MatMul with the transposed one-hot
/// matrix of the indices, which adds repeated indices up as well.</summary>
internal sealed class GatherRule : IBackwardRule
{
    private const long MaxOneHotElements = 1 << 24;

    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] data = emit.Shape(node.Input[0]);
        long[] indices = emit.IntegerConstant(node.Input[1]) ?? throw new NotSupportedException($"Gather '{node.Name}' computes its indices at run time.");
        int axis = (int)NodeAttributes.Whole(node, "axis", 0);
        axis = axis < 0 ? axis + data.Length : axis;
        int outer = data[..axis].Aggregate(1, (p, d) => p * d), inner = data[(axis + 1)..].Aggregate(1, (p, d) => p * d);

        // dY viewed as (outer, k, inner) with k = number of indices; scatter along the middle axis into (outer, n, inner).
        int k = indices.Length;
        string updates = emit.Reshape(outputSignals[0]!, [outer, k, inner]);
        if (emit.Opset < 16)
        {
            if ((long)data[axis] * k > MaxOneHotElements)
            {
                throw new NotSupportedException($"Gather '{node.Name}' picks {k} of {data[axis]} entries; below opset 16 its backward pass is a one-hot matrix, and one that large needs the model exported at opset 16 or newer.");
            }

            var oneHot = new float[data[axis] * k];
            for (int j = 0; j < k; j++)
            {
                oneHot[((indices[j] < 0 ? indices[j] + data[axis] : indices[j]) * k) + j] = 1;
            }

            string summed = emit.Node("MatMul", [emit.Floats([data[axis], k], oneHot), updates], [outer, data[axis], inner]);
            return [emit.Reshape(summed, data), null];
        }

        var expanded = new long[outer * k * inner];
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < k; j++)
            {
                long at = indices[j] < 0 ? indices[j] + data[axis] : indices[j];
                Array.Fill(expanded, at, ((o * k) + j) * inner, inner);
            }
        }

        string index = emit.Node("Reshape", [emit.Ints(expanded), emit.Ints(outer, k, inner)], [outer, k, inner]);
        string zeros = emit.Zeros([outer, data[axis], inner]);
        string scattered = emit.Node("ScatterElements", [zeros, index, updates], [outer, data[axis], inner], ("axis", 1L), ("reduction", "add"));
        return [emit.Reshape(scattered, data), null];
    }
}
