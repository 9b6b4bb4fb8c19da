using MedExplain.Methods.Gradient;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;

namespace MedExplain.Methods;

/// <summary>A method that is one compiled backward pass: what a wrapper (SmoothGrad, Integrated Gradients) needs to run
/// it on its own inputs (noisy copies, path points).</summary>
internal interface ISinglePassRecipe
{
    /// <summary>Gets the kebab-case name.</summary>
    string Name { get; }

    /// <summary>Gets what is done with the signal at the input.</summary>
    GradientVariant Variant { get; }

    /// <summary>Gets whether the signal is a (modified) gradient, not a relevance.</summary>
    bool IsModifiedGradient { get; }

    /// <summary>The model to compile (LRP folds BatchNorm first) and the rules of the pass.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">The options the rules read (composite, ε, overrides, box).</param>
    (OnnxModel Model, RuleSet Rules) Prepare(OnnxModel model, AttributionOptions options);
}

/// <summary>Applies a single pass's <see cref="GradientVariant"/> to its signal.</summary>
internal static class SignalVariant
{
    /// <summary>Writes the map of one item from its signal and the input the pass saw.</summary>
    public static void Apply(GradientVariant variant, ReadOnlySpan<float> signal, ReadOnlySpan<float> input, Span<float> map)
    {
        for (int i = 0; i < map.Length; i++)
        {
            map[i] = variant switch
            {
                GradientVariant.Absolute => Math.Abs(signal[i]),
                GradientVariant.TimesInput => signal[i] * input[i],
                _ => signal[i],
            };
        }
    }
}
