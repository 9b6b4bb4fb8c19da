using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Prediction;

namespace MedExplain.Uncertainty;

/// <summary>How much a map moves across the samples of one input: the voxelwise mean and standard deviation (on the
/// original grid), and how well the samples agree on where the map is strongest.</summary>
/// <param name="Mean">The mean map.</param>
/// <param name="StandardDeviation">The voxelwise standard deviation across the samples.</param>
/// <param name="TopOverlap">The mean pairwise overlap (Jaccard) of the samples' strongest 10% of voxels by |value|:
/// 1 when they agree on where the evidence is.</param>
public sealed record MapSpread(float[] Mean, float[] StandardDeviation, double TopOverlap)
{
    /// <summary>Below this top-region overlap a map is flagged "may be unreliable".</summary>
    public const double UnstableBelow = 0.5;

    /// <summary>Gets a value indicating whether the samples disagree on where the map is strongest.</summary>
    public bool IsUnstable => TopOverlap < UnstableBelow;
}

/// <summary>
/// Test-time augmentation: the model's prediction and a method's map under each augmentation of one input, brought back
/// to the original grid by the augmentation's exact inverse, summarised as <see cref="PredictiveUncertainty"/> and
/// <see cref="MapSpread"/>.
/// </summary>
public static class TestTimeAugmentation
{
    /// <summary>The share of voxels taken as a map's strongest region.</summary>
    public const double TopShare = 0.1;

    /// <summary>The usual set for a scan: the identity, the left-right mirror (the last axis) and intensity ×0.9 and ×1.1
    /// of the model input. Flips along other axes and quarter turns put anatomy where no training scan had it, so they are
    /// available but not in this set.</summary>
    /// <param name="inputShape">The model input's shape (N, C, spatial…).</param>
    public static IReadOnlyList<Augmentation> Standard(IReadOnlyList<int> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        return inputShape.Count < 3
            ? throw new MedExplainParameterException("augmentations", $"need an input with spatial axes, not {FloatTensor.FormatShape([.. inputShape])}.")
            : [new Augmentation.Identity(), new Augmentation.Flip(1), new Augmentation.IntensityScale(0.9), new Augmentation.IntensityScale(1.1)];
    }

    /// <summary>Predicts each augmentation of one input.</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">One model input (1, C, spatial…).</param>
    /// <param name="augmentations">The augmentations.</param>
    /// <param name="options">Memory budget; null for the defaults.</param>
    public static PredictiveUncertainty Predict(OnnxModel model, FloatTensor input, IReadOnlyList<Augmentation> augmentations, PredictorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(augmentations);
        FloatTensor batch = FloatTensor.Concatenate([.. augmentations.Select(a => a.Apply(Single(input)))]);
        PredictionResult result = new Predictor(model, options).Predict(batch, "test-time augmentation");
        return PredictiveUncertainty.Of([.. result.Items.Select(i => i.Probabilities)]);
    }

    /// <summary>A method's map of one input under each augmentation, each inverted onto the original grid, summarised.</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">One model input (1, C, spatial…).</param>
    /// <param name="method">The method.</param>
    /// <param name="targetClass">The class explained in every sample (that of the original input, so the maps compare).</param>
    /// <param name="augmentations">The augmentations (at least two).</param>
    /// <param name="options">The method's options.</param>
    public static MapSpread Explain(OnnxModel model, FloatTensor input, IAttributionMethod method, int targetClass, IReadOnlyList<Augmentation> augmentations, AttributionOptions options) =>
        Spread([.. Maps(model, input, method, targetClass, augmentations, options).Select(m => m.Data)]);

    /// <summary>A method's map of one input under each augmentation, each inverted onto the original grid.</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">One model input (1, C, spatial…).</param>
    /// <param name="method">The method.</param>
    /// <param name="targetClass">The class explained in every sample.</param>
    /// <param name="augmentations">The augmentations (at least two).</param>
    /// <param name="options">The method's options.</param>
    public static IReadOnlyList<FloatTensor> Maps(OnnxModel model, FloatTensor input, IAttributionMethod method, int targetClass, IReadOnlyList<Augmentation> augmentations, AttributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(augmentations);
        if (augmentations.Count < 2)
        {
            throw new MedExplainParameterException("augmentations", $"need at least 2 to measure a spread, not {augmentations.Count}.");
        }

        return [.. augmentations.Select(a => a.Invert(method.Attribute(model, a.Apply(Single(input)), ClassTarget.Class(targetClass), options).Values))];
    }

    /// <summary>The spread of maps of one input on one grid (from augmentations, dropout samples or replica models).</summary>
    /// <param name="maps">The maps, all the same length.</param>
    public static MapSpread Spread(IReadOnlyList<float[]> maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Count == 0 || maps.Any(m => m.Length != maps[0].Length))
        {
            throw new MedExplainParameterException("maps", $"need one or more maps of one length, not {maps.Count} of lengths {string.Join(", ", maps.Select(m => m.Length).Distinct())}.");
        }

        int length = maps[0].Length;
        var mean = new float[length];
        var deviation = new float[length];
        for (int v = 0; v < length; v++)
        {
            double m = maps.Average(map => (double)map[v]);
            mean[v] = (float)m;
            deviation[v] = (float)Math.Sqrt(maps.Sum(map => (map[v] - m) * (map[v] - m)) / maps.Count);
        }

        HashSet<int>[] tops = [.. maps.Select(Top)];
        double overlap = tops.SelectMany((a, i) => tops.Skip(i + 1).Select(b => Jaccard(a, b))).DefaultIfEmpty(1).Average();
        return new MapSpread(mean, deviation, overlap);
    }

    private static FloatTensor Single(FloatTensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.BatchSize == 1 ? input : throw new MedExplainParameterException("input", $"must be one item, not a batch of {input.BatchSize}.");
    }

    private static HashSet<int> Top(float[] map)
    {
        int count = Math.Max(1, (int)Math.Round(TopShare * map.Length));
        return [.. Enumerable.Range(0, map.Length).OrderByDescending(v => Math.Abs(map[v])).ThenBy(v => v).Take(count)];
    }

    private static double Jaccard(HashSet<int> a, HashSet<int> b) => a.Intersect(b).Count() / (double)a.Union(b).Count();
}
