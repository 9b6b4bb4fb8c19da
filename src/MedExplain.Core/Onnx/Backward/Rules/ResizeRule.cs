using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Resize and Upsample gradient: nearest and linear resizing act on each axis separately, so the gradient
/// is dY multiplied, axis by axis, by the transpose of that axis's interpolation matrix. The matrices are probed from
/// ONNX Runtime's own Resize at compile time (one-hot rows in, weights out), so every mode and coordinate
/// transformation the runtime implements is matched exactly.</summary>
internal sealed class ResizeRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string mode = NodeAttributes.Text(node, "mode", "nearest");
        if (mode is not ("nearest" or "linear"))
        {
            throw new NotSupportedException($"{node.OpType} '{node.Name}' uses mode '{mode}'; nearest and linear are supported.");
        }

        int[] x = emit.Shape(node.Input[0]), y = emit.Shape(node.Output[0]);
        float[]? scales = Scales(node, emit);
        string signal = outputSignals[0]!;
        for (int axis = 0; axis < x.Length; axis++)
        {
            if (x[axis] == y[axis] && (scales is null || scales[axis] == 1))
            {
                continue;
            }

            float[,] matrix = ProbeAxis(node, x[axis], y[axis], scales?[axis]);
            signal = ApplyTransposed(emit, signal, axis, matrix);
        }

        return [signal, .. new string?[node.Input.Count - 1]];
    }

    /// <summary>The scales input (Resize 11+: input 2; Resize 10 and Upsample: input 1), when it is used.</summary>
    private static float[]? Scales(NodeProto node, BackwardEmitter emit)
    {
        int index = node.OpType == "Upsample" || node.Input.Count == 2 ? 1 : 2;
        if (node.Input.Count <= index || node.Input[index].Length == 0)
        {
            return null;
        }

        TensorProto? constant = emit.FloatConstant(node.Input[index]);
        if (constant is null)
        {
            throw new NotSupportedException($"{node.OpType} '{node.Name}' computes its scales at run time.");
        }

        float[] values = GraphIndex.ReadFloats(constant);
        return values.Length == 0 ? null : values;
    }

    /// <summary>dX = dY ·ₐ M along one axis: move the axis last, MatMul with M (out × in), move it back.</summary>
    private static string ApplyTransposed(BackwardEmitter emit, string signal, int axis, float[,] matrix)
    {
        int[] shape = emit.Shape(signal);
        int rank = shape.Length, outSize = matrix.GetLength(0), inSize = matrix.GetLength(1);
        long[] toLast = [.. Enumerable.Range(0, rank).Where(a => a != axis).Append(axis).Select(a => (long)a)];
        long[] back = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            back[toLast[i]] = i;
        }

        int[] moved = [.. toLast.Select(a => shape[a])];
        string last = emit.Node("Transpose", [signal], moved, ("perm", toLast));
        string weights = emit.Floats([outSize, inSize], [.. Enumerable.Range(0, outSize * inSize).Select(k => matrix[k / inSize, k % inSize])]);
        int[] contracted = [.. moved[..^1], inSize];
        string product = emit.Node("MatMul", [last, weights], contracted);
        return emit.Node("Transpose", [product], [.. back.Select(a => contracted[a])], ("perm", back));
    }

    /// <summary>Runs the node's own Resize on I one-hot rows along one axis: row i of the output is column i of M.</summary>
    private static float[,] ProbeAxis(NodeProto node, int inSize, int outSize, float? scale)
    {
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "resize-probe" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 19 });
        var resize = new NodeProto { OpType = "Resize", Name = "probe", Input = { "x", string.Empty }, Output = { "y" } };
        resize.Attribute.AddRange(node.Attribute.Where(a => a.Name is "mode" or "coordinate_transformation_mode" or "nearest_mode" or "cubic_coeff_a" or "exclude_outside"));
        if (node.OpType == "Upsample" || !node.Attribute.Any(a => a.Name == "coordinate_transformation_mode"))
        {
            // Upsample and Resize-10 index as 'asymmetric'; Resize 11+ defaults to 'half_pixel'.
            string transformation = node.OpType == "Upsample" || node.Input.Count == 2 ? "asymmetric" : "half_pixel";
            resize.Attribute.Add(new AttributeProto { Name = "coordinate_transformation_mode", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(transformation) });
        }

        var init = new TensorProto { Name = scale is null ? "sizes" : "scales", DataType = (int)(scale is null ? TensorProto.Types.DataType.Int64 : TensorProto.Types.DataType.Float) };
        init.Dims.Add(2);
        if (scale is float s)
        {
            init.FloatData.AddRange([1f, s]);
            resize.Input.Add(init.Name);
        }
        else
        {
            init.Int64Data.AddRange([inSize, outSize]);
            resize.Input.AddRange([string.Empty, init.Name]);
        }

        model.Graph.Initializer.Add(init);
        model.Graph.Node.Add(resize);
        model.Graph.Input.Add(new ValueInfoProto { Name = "x", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        model.Graph.Output.Add(new ValueInfoProto { Name = "y" });

        var identity = new float[inSize * inSize];
        for (int i = 0; i < inSize; i++)
        {
            identity[(i * inSize) + i] = 1;
        }

        using var session = new InferenceSession(model.ToByteArray());
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(identity, [inSize, inSize]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> result = session.Run(runOptions, ["x"], [input], ["y"]);
        ReadOnlySpan<float> rows = result[0].GetTensorDataAsSpan<float>();
        if (rows.Length != inSize * outSize)
        {
            throw new NotSupportedException($"{node.OpType} '{node.Name}': probing the runtime's interpolation gave {rows.Length} values, expected {inSize * outSize}.");
        }

        var matrix = new float[outSize, inSize];
        for (int i = 0; i < inSize; i++)
        {
            for (int o = 0; o < outSize; o++)
            {
                matrix[o, i] = rows[(i * outSize) + o];
            }
        }

        return matrix;
    }
}
