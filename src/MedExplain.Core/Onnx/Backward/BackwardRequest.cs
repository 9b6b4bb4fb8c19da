namespace MedExplain.Onnx.Backward;

/// <summary>What a compiled explanation graph computes.</summary>
/// <param name="TargetOutput">The model output the seed is laid on.</param>
/// <param name="Rules">The backward rules.</param>
/// <param name="SignalsFor">Tensors whose backward signal becomes a graph output: the model input, inner activations.</param>
/// <param name="Activations">Forward tensors to expose as outputs too (for CAM methods).</param>
public sealed record BackwardRequest(string TargetOutput, RuleSet Rules, IReadOnlyList<string> SignalsFor, IReadOnlyList<string> Activations)
{
    /// <summary>Gets a key that identifies the request in caches.</summary>
    public string CacheKey => $"{TargetOutput}|{Rules.Name}|{string.Join(",", SignalsFor)}|{string.Join(",", Activations)}";
}
