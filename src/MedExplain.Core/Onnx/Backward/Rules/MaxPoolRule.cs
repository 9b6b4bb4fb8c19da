using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>MaxPool gradient: each output's signal goes to the input element that won its window, added up where
/// windows overlap. Uses the forward node's Indices output (added when the model does not ask for it) and
/// ScatterElements with reduction "add" over the flattened input; MaxUnpool and scatter without reduction are
/// wrong whenever windows overlap, as in every ResNet stem.</summary>
internal sealed class MaxPoolRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        if (emit.Opset < 16)
        {
            throw new NotSupportedException($"MaxPool '{node.Name}': its backward pass needs ScatterElements with reduction (opset 16+); the model is opset {emit.Opset}.");
        }

        if (NodeAttributes.Whole(node, "storage_order", 0) != 0)
        {
            throw new NotSupportedException($"MaxPool '{node.Name}' uses column-major storage_order.");
        }

        int[] x = emit.Shape(node.Input[0]), y = emit.Shape(node.Output[0]);
        if (node.Output.Count < 2 || node.Output[1].Length == 0)
        {
            string indices = node.Output[0] + "/indices";
            if (node.Output.Count < 2)
            {
                node.Output.Add(indices);
            }
            else
            {
                node.Output[1] = indices;
            }
        }

        emit.DeclareShape(node.Output[1], y);
        int inputCount = x.Aggregate(1, (p, d) => p * d), outputCount = y.Aggregate(1, (p, d) => p * d);
        string flatIndices = emit.Reshape(node.Output[1], [outputCount]);
        string flatSignal = emit.Reshape(outputSignals[0]!, [outputCount]);
        string zeros = emit.Expand(emit.Scalar(0), [inputCount]);
        string scattered = emit.Node("ScatterElements", [zeros, flatIndices, flatSignal], [inputCount], ("axis", 0L), ("reduction", "add"));
        return [emit.Reshape(scattered, x)];
    }
}
