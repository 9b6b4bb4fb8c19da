namespace MedExplain.Onnx;

/// <summary>The concrete shape of every value of a model at one input shape, and the bytes they occupy together.</summary>
/// <param name="Shapes">Each value's shape by tensor name (the input included).</param>
/// <param name="ActivationBytes">The sum of the sizes of all intermediate values and outputs: an upper bound on
/// what one run at this shape needs for activations, since the runtime reuses buffers.</param>
public sealed record ProbedShapes(IReadOnlyDictionary<string, int[]> Shapes, long ActivationBytes);
