using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using Onnx;

namespace MedExplain.Methods.Propagation;

/// <summary>
/// The input patches a linear layer multiplies with each output neuron's weights: the receptive fields of a convolution
/// (any spatial rank, pads, strides, dilations; one group) or the whole vector of a Gemm. Weights are held as
/// (outputs × patch) rows.
/// </summary>
internal sealed class LayerPatches
{
    private readonly NodeProto _node;
    private readonly int[] _kernel = [];
    private readonly long[] _pads = [], _strides = [], _dilations = [];
    private readonly bool _gemmTransposed;
    private readonly int[] _weightShape;

    private LayerPatches(string modelPath, NodeProto node, float[] weights, int outputs, int[] weightShape)
    {
        _node = node;
        Weights = weights;
        Outputs = outputs;
        _weightShape = weightShape;
        if (node.OpType == "Conv")
        {
            if (NodeAttributes.Whole(node, "group", 1) != 1 || NodeAttributes.Text(node, "auto_pad", "NOTSET") != "NOTSET")
            {
                throw new UnsupportedModelException(modelPath, [(node.Name, node.OpType)], "pattern", "patterns are fitted for convolutions with one group and explicit pads only");
            }

            _kernel = weightShape[2..];
            int rank = _kernel.Length;
            _pads = NodeAttributes.Integers(node, "pads") ?? new long[2 * rank];
            _strides = NodeAttributes.Integers(node, "strides") ?? [.. Enumerable.Repeat(1L, rank)];
            _dilations = NodeAttributes.Integers(node, "dilations") ?? [.. Enumerable.Repeat(1L, rank)];
        }
        else
        {
            _gemmTransposed = NodeAttributes.Whole(node, "transB", 0) == 1;
        }
    }

    /// <summary>Gets the weights as (outputs × patch) rows.</summary>
    public float[] Weights { get; }

    /// <summary>Gets the number of output neurons (channels).</summary>
    public int Outputs { get; }

    public static LayerPatches Of(OnnxModel model, NodeProto node)
    {
        TensorProto proto = model.Proto.Graph.Initializer.First(i => i.Name == node.Input[1]);
        float[] values = GraphIndex.ReadFloats(proto);
        int[] shape = [.. proto.Dims.Select(d => (int)d)];
        if (node.OpType == "Conv")
        {
            return new LayerPatches(model.FilePath, node, values, shape[0], shape);
        }

        // Gemm B is (in, out) unless transB: rows must be per output.
        bool transposed = NodeAttributes.Whole(node, "transB", 0) == 1;
        int inputs = transposed ? shape[1] : shape[0], outputs = transposed ? shape[0] : shape[1];
        float[] rows = transposed ? values : [.. Enumerable.Range(0, values.Length).Select(n => values[((n % inputs) * outputs) + (n / inputs)])];
        return new LayerPatches(model.FilePath, node, rows, outputs, shape);
    }

    /// <summary>Gets every output position of one item (0 for a Gemm).</summary>
    public IEnumerable<int> Positions(int[] inputShape)
    {
        if (_node.OpType != "Conv")
        {
            yield return 0;
            yield break;
        }

        int count = OutputSpatial(inputShape).Aggregate(1, (a, b) => a * b);
        for (int p = 0; p < count; p++)
        {
            yield return p;
        }
    }

    /// <summary>Copies the patch at an output position (zero where it reaches into the padding).</summary>
    public void Extract(FloatTensor input, int position, Span<float> patch)
    {
        if (_node.OpType != "Conv")
        {
            input.Item(0).CopyTo(patch);
            return;
        }

        int[] spatial = input.Shape[2..], output = OutputSpatial(input.Shape);
        int rank = spatial.Length, channels = input.Shape[1], kernelSize = _kernel.Aggregate(1, (a, b) => a * b);
        var outIndex = new int[rank];
        for (int d = rank - 1, rest = position; d >= 0; d--)
        {
            outIndex[d] = rest % output[d];
            rest /= output[d];
        }

        var at = new int[rank];
        for (int k = 0; k < kernelSize; k++)
        {
            bool inside = true;
            int offset = 0;
            for (int d = rank - 1, rest = k; d >= 0; d--)
            {
                int kd = rest % _kernel[d];
                rest /= _kernel[d];
                at[d] = (int)((outIndex[d] * _strides[d]) - _pads[d] + (kd * _dilations[d]));
                inside &= at[d] >= 0 && at[d] < spatial[d];
            }

            for (int d = 0; d < rank; d++)
            {
                offset = (offset * spatial[d]) + at[d];
            }

            int plane = spatial.Aggregate(1, (a, b) => a * b);
            for (int c = 0; c < channels; c++)
            {
                patch[(c * kernelSize) + k] = inside ? input.Data[(c * plane) + offset] : 0;
            }
        }
    }

    /// <summary>Puts (outputs × patch) rows back into the weight tensor's own layout.</summary>
    public FloatTensor ToWeightLayout(float[] rows)
    {
        if (_node.OpType == "Conv" || _gemmTransposed)
        {
            return new FloatTensor(_weightShape, rows);
        }

        int inputs = _weightShape[0], outputs = _weightShape[1];
        return new FloatTensor(_weightShape, [.. Enumerable.Range(0, rows.Length).Select(n => rows[((n % outputs) * inputs) + (n / outputs)])]);
    }

    private int[] OutputSpatial(int[] inputShape)
    {
        int rank = _kernel.Length;
        return [.. Enumerable.Range(0, rank).Select(d => (int)(((inputShape[2 + d] + _pads[d] + _pads[d + rank] - (_dilations[d] * (_kernel[d] - 1)) - 1) / _strides[d]) + 1))];
    }
}
