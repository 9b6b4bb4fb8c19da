namespace MedExplain.Methods.Perturbation;

/// <summary>
/// The features of region-level methods: the distinct labels of an integer mask shaped like one input item, or like its
/// spatial part (then every channel of a voxel belongs to the voxel's region). A coalition keeps the input in its
/// regions and puts the baseline everywhere else.
/// </summary>
internal sealed class FeatureRegions
{
    private readonly int[] _featureOf;

    private FeatureRegions(int[] featureOf, int[] labels)
    {
        _featureOf = featureOf;
        Labels = labels;
        Sizes = new int[labels.Length];
        foreach (int f in featureOf)
        {
            Sizes[f]++;
        }
    }

    /// <summary>Gets the label of each feature, ascending.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>Gets the number of input elements in each feature.</summary>
    public int[] Sizes { get; }

    /// <summary>Gets the number of features.</summary>
    public int Count => Labels.Count;

    /// <summary>Builds the regions of a mask for items of the given shape (channels first).</summary>
    /// <exception cref="MedExplainInputException">The mask fits neither the item nor its spatial part, or holds non-integers.</exception>
    public static FeatureRegions Of(FloatTensor mask, int[] itemShape)
    {
        ArgumentNullException.ThrowIfNull(mask);
        int itemSize = (int)FloatTensor.ElementCount(itemShape), plane = (int)FloatTensor.ElementCount(itemShape.AsSpan(1));
        if (mask.Data.Length != itemSize && mask.Data.Length != plane)
        {
            throw new MedExplainParameterException("feature-mask", $"has {mask.Data.Length} labels; it must be shaped like one input item {FloatTensor.FormatShape(itemShape)} or its spatial part {FloatTensor.FormatShape(itemShape.AsSpan(1))}.");
        }

        if (mask.Data.Any(v => v != MathF.Round(v)))
        {
            throw new MedExplainParameterException("feature-mask", "must hold integer region labels.");
        }

        int[] labels = [.. mask.Data.Select(v => (int)v).Distinct().Order()];
        var index = labels.Select((label, n) => (label, n)).ToDictionary(p => p.label, p => p.n);
        int[] featureOf = [.. Enumerable.Range(0, itemSize).Select(e => index[(int)mask.Data[mask.Data.Length == itemSize ? e : e % plane]])];
        return new FeatureRegions(featureOf, labels);
    }

    /// <summary>Regions from a grid of patches (when no mask is given): cells of about <paramref name="cells"/> per axis.</summary>
    public static FeatureRegions Grid(int[] itemShape, int cells)
    {
        int[] spatial = itemShape[1..];
        int plane = (int)FloatTensor.ElementCount(spatial);
        var mask = new FloatTensor([.. spatial]);
        for (int v = 0; v < plane; v++)
        {
            int label = 0;
            for (int d = spatial.Length - 1, rest = v, scale = 1; d >= 0; d--)
            {
                int at = rest % spatial[d];
                rest /= spatial[d];
                label += Math.Min(cells - 1, at * cells / spatial[d]) * scale;
                scale *= cells;
            }

            mask.Data[v] = label;
        }

        return Of(mask, itemShape);
    }

    /// <summary>Writes the input where the coalition holds the feature, the baseline elsewhere.</summary>
    public void Fill(ReadOnlySpan<bool> coalition, ReadOnlySpan<float> input, ReadOnlySpan<float> baseline, Span<float> destination)
    {
        for (int e = 0; e < destination.Length; e++)
        {
            destination[e] = coalition[_featureOf[e]] ? input[e] : baseline[e];
        }
    }

    /// <summary>Spreads per-feature values over the elements (each element gets its feature's value).</summary>
    public void Spread(ReadOnlySpan<double> values, Span<float> destination)
    {
        for (int e = 0; e < destination.Length; e++)
        {
            destination[e] = (float)values[_featureOf[e]];
        }
    }
}
