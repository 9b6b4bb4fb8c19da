using Onnx;

namespace MedExplain.Onnx.Backward.Rules.Lrp;

/// <summary>
/// A linear layer (Conv, ConvTranspose, Gemm, or MatMul with a constant operand) as LRP rules see it: z = W·x + b,
/// evaluated again with modified inputs and parameters, and Wᵀ·s through the layer's own gradient rule with the
/// modified weights swapped in. Every LRP rule of PS "BasicHook" form is a sum of terms Σ xₜ ⊙ Wₜᵀ(R / stab(zₜ)).
/// </summary>
internal sealed class LrpLayer
{
    private static readonly Dictionary<string, IBackwardRule> Transposes = new()
    {
        ["Conv"] = new ConvRule(),
        ["ConvTranspose"] = new ConvTransposeRule(),
        ["Gemm"] = new GemmRule(),
        ["MatMul"] = new MatMulRule(),
    };

    private readonly NodeProto _node;
    private readonly BackwardEmitter _emit;

    private LrpLayer(NodeProto node, BackwardEmitter emit, int dataIndex, int weightIndex)
    {
        _node = node;
        _emit = emit;
        DataIndex = dataIndex;
        WeightIndex = weightIndex;
    }

    /// <summary>Gets the index of the input that carries the data.</summary>
    public int DataIndex { get; }

    /// <summary>Gets the index of the constant weight input.</summary>
    public int WeightIndex { get; }

    /// <summary>Gets the data input.</summary>
    public string X => _node.Input[DataIndex];

    /// <summary>Gets the weights.</summary>
    public string W => _node.Input[WeightIndex];

    /// <summary>Gets the bias, or null (Conv/ConvTranspose input 2, Gemm input C).</summary>
    public string? B => _node.OpType != "MatMul" && _node.Input.Count > 2 && _node.Input[2].Length > 0 ? _node.Input[2] : null;

    /// <summary>Gets the layer's output (its forward value).</summary>
    public string Z => _node.Output[0];

    /// <summary>Gets a value indicating whether the data input cannot be negative (it comes from a ReLU, possibly through
    /// pooling, padding or reshaping): rules then skip the terms of negative inputs, which are zero.</summary>
    public bool NonNegativeInput => NonNegative(X, depth: 0);

    /// <summary>Gets the emitter.</summary>
    public BackwardEmitter Emit => _emit;

    /// <summary>Gets the layer view of a node, or null when it is not a linear layer with constant weights.</summary>
    public static LrpLayer? Of(NodeProto node, BackwardEmitter emit)
    {
        ArgumentNullException.ThrowIfNull(emit);
        return LinearLayers.WeightIndex(node, emit.FloatConstant) switch
        {
            1 => new LrpLayer(node, emit, 0, 1),
            0 => new LrpLayer(node, emit, 1, 0),
            _ => null,
        };
    }

    /// <summary>Gets the layer view, or says why a node cannot take an LRP layer rule.</summary>
    public static LrpLayer Require(NodeProto node, BackwardEmitter emit) =>
        Of(node, emit) ?? throw new NotSupportedException($"{node.OpType} node '{node.Name}' has no constant weights, so LRP layer rules do not apply to it");

    /// <summary>Evaluates the layer on other inputs and parameters: z' = W'·x' + b' (no bias when <paramref name="bias"/> is null).</summary>
    public string Forward(string x, string w, string? bias)
    {
        var clone = _node.Clone();
        clone.Input[DataIndex] = x;
        clone.Input[WeightIndex] = w;
        if (_node.OpType != "MatMul")
        {
            while (clone.Input.Count > 2)
            {
                clone.Input.RemoveAt(clone.Input.Count - 1);
            }

            if (bias is not null)
            {
                clone.Input.Add(bias);
            }
        }

        return _emit.Clone(clone, _emit.Shape(Z));
    }

    /// <summary>Gets W'ᵀ·s at the data input's shape, through the layer's gradient rule.</summary>
    public string Transpose(string signal, string w)
    {
        var clone = _node.Clone();
        clone.Input[WeightIndex] = w;
        return Transposes[_node.OpType].Backward(clone, [signal], _emit)[DataIndex]!;
    }

    private bool NonNegative(string tensor, int depth)
    {
        if (depth > 16 || _emit.Producer(tensor) is not { } producer)
        {
            return false;
        }

        return producer.OpType switch
        {
            "Relu" or "Sigmoid" or "Softmax" or "Abs" => true,
            "MaxPool" or "AveragePool" or "GlobalAveragePool" or "GlobalMaxPool" or "Identity" or "Flatten" or "Reshape"
                or "Squeeze" or "Unsqueeze" or "Transpose" or "Dropout" => NonNegative(producer.Input[0], depth + 1),
            "Concat" or "Add" or "Max" => producer.Input.All(i => NonNegative(i, depth + 1)),
            "Pad" => NonNegative(producer.Input[0], depth + 1) && (producer.Input.Count < 3 || producer.Input[2].Length == 0),
            _ => false,
        };
    }

    /// <summary>Clamps a tensor: max(t, 0) (positive part) or min(t, 0) (negative part).</summary>
    public string Part(string tensor, bool positive) => positive
        ? _emit.Binary("Max", tensor, _emit.Scalar(0))
        : _emit.Binary("Min", tensor, _emit.Scalar(0));

    /// <summary>Stabilises a denominator as Zennit does: z + ε·sign(z), with sign(0) = +1.</summary>
    public string Stabilize(string z, float epsilon)
    {
        string sign = _emit.Where(_emit.Binary("Less", z, _emit.Scalar(0)), _emit.Scalar(-epsilon), _emit.Scalar(epsilon));
        return _emit.Binary("Add", z, sign);
    }

    /// <summary>R ⊘ stab(z).</summary>
    /// <remarks>ε = 0 (LRP-0) still gets 1e-12, so an exactly zero z (with zero relevance) gives 0, not NaN.</remarks>
    public string Ratio(string relevance, string z, float epsilon) => _emit.Binary("Div", relevance, Stabilize(z, Math.Max(epsilon, 1e-12f)));

    /// <summary>x ⊙ W'ᵀ·s.</summary>
    public string Contribution(string x, string w, string s) => _emit.Binary("Mul", x, Transpose(s, w));

    /// <summary>Builds the signal list for the node's inputs: relevance for the data input only.</summary>
    public string?[] Signals(string relevance)
    {
        var signals = new string?[_node.Input.Count];
        signals[DataIndex] = relevance;
        return signals;
    }
}
