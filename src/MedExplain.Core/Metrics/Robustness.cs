using MedExplain.Methods;
using MedExplain.Onnx;

namespace MedExplain.Metrics;

/// <summary>How stable a method's maps are: under small input changes (max-sensitivity) and across repeated runs.</summary>
public static class Robustness
{
    /// <summary>
    /// Max-sensitivity (Yeh et al., 2019): the largest relative change ‖Φ(x + δ) − Φ(x)‖ / ‖Φ(x)‖ over random δ drawn
    /// uniformly from [−radius, radius] per element.
    /// </summary>
    /// <param name="method">The method.</param>
    /// <param name="model">The model.</param>
    /// <param name="input">One input item.</param>
    /// <param name="classIndex">The class explained (fixed, so the target cannot switch).</param>
    /// <param name="options">The method's options; the seed also draws δ.</param>
    /// <param name="radius">The largest change per element.</param>
    /// <param name="samples">How many δ.</param>
    public static double MaxSensitivity(IAttributionMethod method, OnnxModel model, FloatTensor input, int classIndex, AttributionOptions options, double radius, int samples)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var random = new Random(options.Seed);
        float[] reference = method.Attribute(model, input, ClassTarget.Class(classIndex), options).Values.Data;
        double norm = Math.Sqrt(reference.Sum(v => v * (double)v));
        double worst = 0;
        for (int k = 0; k < samples; k++)
        {
            var shifted = new FloatTensor(input.Shape, [.. input.Data.Select(v => (float)(v + (radius * ((2 * random.NextDouble()) - 1))))]);
            float[] map = method.Attribute(model, shifted, ClassTarget.Class(classIndex), options).Values.Data;
            worst = Math.Max(worst, Distance(map, reference) / Math.Max(norm, 1e-12));
        }

        return worst;
    }

    /// <summary>Repeatability: the mean L2 distance between every pair of maps from repeated runs (seeds, or identically
    /// trained models); exactly 0 for a deterministic method.</summary>
    /// <param name="maps">Two or more maps of the same input.</param>
    public static double Repeatability(IReadOnlyList<float[]> maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        return Pairwise.Mean(maps, Distance, nameof(maps));
    }

    private static double Distance(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = a[i] - (double)b[i];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }
}
