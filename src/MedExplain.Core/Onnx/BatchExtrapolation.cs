namespace MedExplain.Onnx;

/// <summary>Probed shapes at a large batch, read off small probes instead of a run at that batch: every dimension and
/// every shape constant of an exported model is affine in the batch size (B, B·heads, …), so probes at batch 1 and 2
/// give it at any batch, and a probe at batch 3 confirms it. A probe exposes every intermediate value, so one at the
/// batch a method compiles for (128 path points of a 224² image) cost more than the method's own first pass. Used above
/// batch 8, where one real probe costs more than the three small ones.</summary>
internal static class BatchExtrapolation
{
    /// <summary>The shapes at <paramref name="batch"/>, or null when the three probes are not affine in the batch.</summary>
    public static ProbedShapes? At(int batch, ProbedShapes one, ProbedShapes two, ProbedShapes three)
    {
        ProbedShapes? predicted = Extrapolate(3, one, two);
        return predicted is not null && SameAs(predicted, three) ? Extrapolate(batch, one, two) : null;
    }

    private static ProbedShapes? Extrapolate(int batch, ProbedShapes one, ProbedShapes two)
    {
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach ((string name, int[] first) in one.Shapes)
        {
            if (!two.Shapes.TryGetValue(name, out int[]? second) || second.Length != first.Length)
            {
                return null;
            }

            shapes[name] = [.. first.Select((d, i) => d + ((second[i] - d) * (batch - 1)))];
        }

        var constants = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach ((string name, long[] first) in one.ShapeConstants)
        {
            if (!two.ShapeConstants.TryGetValue(name, out long[]? second) || second.Length != first.Length)
            {
                return null;
            }

            constants[name] = [.. first.Select((v, i) => v + ((second[i] - v) * (batch - 1)))];
        }

        long bytes = one.ActivationBytes + ((two.ActivationBytes - one.ActivationBytes) * (batch - 1));
        return new ProbedShapes(shapes, bytes, one.FloatTensors, constants);
    }

    private static bool SameAs(ProbedShapes a, ProbedShapes b) =>
        a.Shapes.Count == b.Shapes.Count && a.ShapeConstants.Count == b.ShapeConstants.Count && a.ActivationBytes == b.ActivationBytes
        && a.Shapes.All(s => b.Shapes.TryGetValue(s.Key, out int[]? other) && other.SequenceEqual(s.Value))
        && a.ShapeConstants.All(c => b.ShapeConstants.TryGetValue(c.Key, out long[]? other) && other.SequenceEqual(c.Value));
}
