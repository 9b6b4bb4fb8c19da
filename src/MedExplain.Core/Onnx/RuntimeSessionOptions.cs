using Microsoft.ML.OnnxRuntime;

namespace MedExplain.Onnx;

/// <summary>The ONNX Runtime session options every session of a model uses, in one place. Sessions built from bytes
/// (probes, compiled explanation graphs, rewritten models) are told the model's folder, where the weights of a model
/// saved with external data (the format for models over 2 GiB) lie.</summary>
internal static class RuntimeSessionOptions
{
    /// <summary>Options for a session of the model at <paramref name="modelPath"/> (or a graph derived from it).</summary>
    /// <param name="modelPath">The model file.</param>
    /// <param name="runtime">The threads and execution providers the model was loaded with.</param>
    /// <param name="optimize">Whether ONNX Runtime may optimise the graph (probes that expose every value must not).</param>
    public static SessionOptions For(string modelPath, RuntimeOptions runtime, bool optimize = true)
    {
        var options = new SessionOptions
        {
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            EnableCpuMemArena = false,
            GraphOptimizationLevel = optimize ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_DISABLE_ALL,
        };
        string folder = Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".";
        options.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", folder);
        if (runtime.IntraOpThreads is int intra)
        {
            options.IntraOpNumThreads = intra;
        }

        if (runtime.InterOpThreads is int inter)
        {
            options.InterOpNumThreads = inter;
        }

        runtime.Configure?.Invoke(options);
        return options;
    }
}
