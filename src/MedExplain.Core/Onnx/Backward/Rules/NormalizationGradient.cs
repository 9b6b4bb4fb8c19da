namespace MedExplain.Onnx.Backward.Rules;

/// <summary>The gradient of x̂ = (x − μ)/σ over some axes, applied to g = dY·γ:
/// dX = (g − mean(g) − x̂·mean(g·x̂)) / σ, the means over the normalised axes.</summary>
internal static class NormalizationGradient
{
    public static string Emit(BackwardEmitter emit, string x, string g, int[] axes, float epsilon)
    {
        string mean = emit.ReduceMean(x, axes);
        string centred = emit.Binary("Sub", x, mean);
        string variance = emit.ReduceMean(emit.Binary("Mul", centred, centred), axes);
        string deviation = emit.Unary("Sqrt", emit.Binary("Add", variance, emit.Scalar(epsilon)));
        string normalised = emit.Binary("Div", centred, deviation);
        string meanG = emit.ReduceMean(g, axes);
        string meanGx = emit.ReduceMean(emit.Binary("Mul", g, normalised), axes);
        string inner = emit.Binary("Sub", emit.Binary("Sub", g, meanG), emit.Binary("Mul", normalised, meanGx));
        return emit.Binary("Div", inner, deviation);
    }
}
