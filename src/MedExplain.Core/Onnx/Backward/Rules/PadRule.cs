using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Constant-mode Pad gradient: the part of dY that lies over the original input (a Slice).</summary>
internal sealed class PadRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        if (NodeAttributes.Text(node, "mode", "constant") != "constant")
        {
            throw new NotSupportedException($"Pad '{node.Name}' uses mode '{NodeAttributes.Text(node, "mode", "constant")}'; only constant padding is supported.");
        }

        int[] x = emit.Shape(node.Input[0]);
        long[] pads = (node.Input.Count > 1 ? emit.IntegerConstant(node.Input[1]) : NodeAttributes.Integers(node, "pads"))
                      ?? throw new NotSupportedException($"Pad '{node.Name}' computes its pads at run time.");
        long[] axes = node.Input.Count > 3 && node.Input[3].Length > 0
            ? [.. (emit.IntegerConstant(node.Input[3]) ?? throw new NotSupportedException($"Pad '{node.Name}' computes its axes at run time.")).Select(a => a < 0 ? a + x.Length : a)]
            : [.. Enumerable.Range(0, x.Length).Select(a => (long)a)];
        if (pads.Any(p => p < 0))
        {
            throw new NotSupportedException($"Pad '{node.Name}' crops (negative pads).");
        }

        long[] starts = [.. axes.Select((_, i) => pads[i])];
        long[] ends = [.. axes.Select((a, i) => pads[i] + x[a])];
        return [emit.Slice(outputSignals[0]!, starts, ends, axes, x), null, null, null];
    }
}
