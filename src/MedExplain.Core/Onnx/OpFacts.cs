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
}
