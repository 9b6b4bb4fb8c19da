namespace MedExplain.Onnx;

/// <summary>The concrete shape of every value of a model at one input shape, and the bytes they occupy together.</summary>
/// <param name="Shapes">Each value's shape by tensor name (the input included).</param>
/// <param name="ActivationBytes">The sum of the sizes of all intermediate values and outputs: an upper bound on
/// what one run at this shape needs for activations, since the runtime reuses buffers.</param>
/// <param name="FloatTensors">The values of a floating-point type: the only ones a backward signal can flow through
/// (shape arithmetic in int64 depends on the input too, but carries no gradient).</param>
/// <param name="ShapeConstants">The values of the small integer and bool tensors that depend on the input's shape but
/// not on its data (shape arithmetic: slice bounds, split sizes, gather indices, branch conditions): constants for this
/// input shape, which the compiler folds.</param>
public sealed record ProbedShapes(IReadOnlyDictionary<string, int[]> Shapes, long ActivationBytes, IReadOnlySet<string> FloatTensors, IReadOnlyDictionary<string, long[]> ShapeConstants);
