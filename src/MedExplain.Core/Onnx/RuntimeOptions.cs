using Microsoft.ML.OnnxRuntime;

namespace MedExplain.Onnx;

/// <summary>How ONNX Runtime runs a model and every graph derived from it (probes, compiled explanation graphs,
/// rewritten models): given once, at load.</summary>
public sealed record RuntimeOptions
{
    /// <summary>Gets the default: ONNX Runtime's own thread counts, the CPU execution provider.</summary>
    public static RuntimeOptions Default { get; } = new();

    /// <summary>Gets the threads one operator may use, or null for ONNX Runtime's choice (all cores).</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>Gets the threads that may run independent operators at once, or null for ONNX Runtime's choice.</summary>
    public int? InterOpThreads { get; init; }

    /// <summary>Gets a last word on every session's options, such as adding an execution provider (CUDA, DirectML)
    /// from an ONNX Runtime package that has one; null for none.</summary>
    public Action<SessionOptions>? Configure { get; init; }
}
