namespace MedExplain.Onnx;

/// <summary>What kind of function each ONNX op is, for the rule sets and methods that treat ops by kind: one list per
/// kind, read by every rule set, so that they cannot disagree.</summary>
public static class OpFacts
{
    /// <summary>Gets the element-wise nonlinearities of one data input (PRelu's slope is a parameter): DeepLIFT takes
    /// Δy/Δx through them, LRP lets relevance pass through them unchanged.</summary>
    public static IReadOnlyList<string> ElementwiseActivations { get; } =
        ["Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Sigmoid", "Tanh", "Clip", "Softplus", "Softsign", "HardSigmoid", "HardSwish", "Mish", "Gelu", "ThresholdedRelu"];

    /// <summary>Gets the other element-wise nonlinear functions of one input (the pieces exporters decompose GELU, SiLU
    /// and norms into): DeepLIFT takes Δy/Δx through them too.</summary>
    public static IReadOnlyList<string> ElementwiseFunctions { get; } = ["Exp", "Log", "Sqrt", "Erf", "Abs", "Reciprocal"];

    /// <summary>Gets the ops that are linear (or affine) in their data input at inference: their gradient is an exact
    /// DeepLIFT multiplier. Mul, Div and MatMul are linear only while one operand is fixed, Where while its condition
    /// is, Pow while its exponent is; the DeepLIFT rules of those check.</summary>
    public static IReadOnlyList<string> LinearOps { get; } =
    [
        "Identity", "Dropout", "Cast", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Split", "Slice",
        "Gather", "Expand", "Pad", "Neg", "Add", "Sub", "Sum", "Conv", "ConvTranspose", "Gemm", "AveragePool",
        "GlobalAveragePool", "ReduceMean", "ReduceSum", "BatchNormalization", "Resize", "Upsample",
    ];

    /// <summary>Gets the ops that are linear layers when their weights are constant (see <see cref="LinearLayers"/>).</summary>
    public static IReadOnlyList<string> WeightedLayers { get; } = ["Conv", "ConvTranspose", "Gemm", "MatMul"];

    /// <summary>Gets the weighted layers that slide a kernel over the image (LRP composites give them their own rule).</summary>
    public static IReadOnlyList<string> Convolutions { get; } = ["Conv", "ConvTranspose"];

    /// <summary>Gets the ops through which no signal flows: comparisons, logic, shape arithmetic, rounding.</summary>
    public static IReadOnlyList<string> WithoutGradient { get; } =
    [
        "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "Equal", "Not", "And", "Or", "Xor", "Shape", "Size", "ArgMax",
        "ArgMin", "NonZero", "Sign", "Floor", "Ceil", "Round", "IsNaN", "IsInf", "ConstantOfShape", "Range", "EyeLike",
    ];
}
