using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace MedExplain.Onnx.Backward;

/// <summary>A compiled explanation graph loaded into ONNX Runtime: (input, seed) in, every output of it back.</summary>
/// <remarks>Owns its native session; <see cref="OnnxModel"/> caches these per input shape and request.</remarks>
public sealed class BackwardSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _modelPath;
    private readonly string _ruleSet;
    private readonly RuntimeOptions _runtime;

    internal BackwardSession(CompiledGraph graph, string modelPath, RuntimeOptions runtime, string ruleSet)
    {
        Graph = graph;
        _modelPath = modelPath;
        _runtime = runtime;
        _ruleSet = ruleSet;
        using SessionOptions options = RuntimeSessionOptions.For(modelPath, runtime);
        options.EnableMemoryPattern = false;
        options.EnableCpuMemArena = true;
        try
        {
            _session = new InferenceSession(graph.Model.ToByteArray(), options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"The backward graph compiled from {modelPath} does not load in ONNX Runtime: {e.Message}", e);
        }
    }

    /// <summary>Gets the compiled graph.</summary>
    public CompiledGraph Graph { get; }

    /// <summary>Runs one batch: the input must have the compiled input shape, the seed the target output's shape.</summary>
    /// <param name="input">The input batch.</param>
    /// <param name="seed">The seed laid on the target output.</param>
    /// <param name="outputs">The outputs to fetch (model outputs, signal outputs, activations).</param>
    /// <param name="reference">The reference batch, for graphs compiled with one (DeepLIFT).</param>
    /// <exception cref="NonFiniteResultException">An output holds NaN or ±Inf.</exception>
    public FloatTensor[] Run(FloatTensor input, FloatTensor seed, IReadOnlyList<string> outputs, FloatTensor? reference = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(outputs);
        if ((reference is null) != (Graph.ReferenceName is null))
        {
            throw new ArgumentException(Graph.ReferenceName is null ? "This graph takes no reference input." : "This graph needs a reference input.", nameof(reference));
        }

        using OrtValue inputValue = OrtValue.CreateTensorValueFromMemory(input.Data, Array.ConvertAll(input.Shape, d => (long)d));
        using OrtValue seedValue = OrtValue.CreateTensorValueFromMemory(seed.Data, Array.ConvertAll(seed.Shape, d => (long)d));
        using OrtValue? referenceValue = reference is null ? null : OrtValue.CreateTensorValueFromMemory(reference.Data, Array.ConvertAll(reference.Shape, d => (long)d));
        using var runOptions = new RunOptions();
        string[] names = referenceValue is null ? [Graph.InputName, Graph.SeedName] : [Graph.InputName, Graph.SeedName, Graph.ReferenceName!];
        OrtValue[] values = referenceValue is null ? [inputValue, seedValue] : [inputValue, seedValue, referenceValue];
        using IDisposableReadOnlyCollection<OrtValue> results = _session.Run(runOptions, names, values, outputs);
        FloatTensor[] tensors = [.. results.Select(r => new FloatTensor(Array.ConvertAll(r.GetTensorTypeAndShape().Shape, d => checked((int)d)), r.GetTensorDataAsSpan<float>().ToArray()))];
        if (tensors.Any(t => !NonFiniteTrace.AllFinite(t.Data)))
        {
            (string node, string origin) = NonFiniteTrace.FirstNode(Graph.Model, _modelPath, _runtime, names, values);
            throw new NonFiniteResultException(_modelPath, _ruleSet, node, origin);
        }

        return tensors;
    }


    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
