using Onnx;

namespace MedExplain.Onnx.Backward;

/// <summary>How one op type passes a backward signal (a gradient, or a modified one) from its outputs to its inputs.</summary>
/// <remarks>Rules are small objects, one per file; the compiler's walk never changes to add one. A rule emits
/// standard ONNX ops only, through <see cref="BackwardEmitter"/>.</remarks>
public interface IBackwardRule
{
    /// <summary>Emits the backward nodes for <paramref name="node"/>.</summary>
    /// <param name="node">The forward node.</param>
    /// <param name="outputSignals">The backward signal of each output, or null where no signal arrives.</param>
    /// <param name="emit">Appends nodes and constants to the compiled graph, and knows every tensor's shape.</param>
    /// <returns>The signal for each input (same order as the node's inputs), or null for inputs that need none.</returns>
    string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit);
}
