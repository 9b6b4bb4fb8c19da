using MedExplain.Onnx;

namespace MedExplain.Cases;

/// <summary>
/// Where two cases are alike. When an embedding is the mean of an activation over its P positions, e = (1/P) Σ_p a_p,
/// the cosine similarity of a query q and a case r splits exactly over the query's positions:
/// cos(q, r) = Σ_p (a_p · e_r) / (P ‖e_q‖ ‖e_r‖). Each term is how much position p of the query makes it like the case;
/// the terms sum to the cosine (the same holds the other way round, over the case's positions).
/// </summary>
public static class SimilarityMap
{
    /// <summary>The per-position terms of cos(<paramref name="of"/>, <paramref name="to"/>) over the positions of
    /// <paramref name="of"/>'s activation; they sum to the cosine.</summary>
    /// <param name="of">The case whose positions are weighed.</param>
    /// <param name="to">The case it is compared with (its embedding is used).</param>
    /// <exception cref="MedExplainParameterException">The cases come from different layers or channel counts.</exception>
    public static float[] Of(CaseEmbedding of, CaseEmbedding to)
    {
        ArgumentNullException.ThrowIfNull(of);
        ArgumentNullException.ThrowIfNull(to);
        if (of.Channels != to.Channels || of.Layer != to.Layer)
        {
            throw new MedExplainParameterException("cases", $"cannot compare an embedding of {of.Channels} channels at '{of.Layer}' with one of {to.Channels} at '{to.Layer}'.");
        }

        float[] e = to.Vector;
        double norms = Math.Sqrt(CaseEmbedding.Dot(of.Vector, of.Vector) * CaseEmbedding.Dot(e, e));
        int positions = of.Positions;
        var map = new float[positions];
        if (norms == 0)
        {
            return map;
        }

        for (int p = 0; p < positions; p++)
        {
            double dot = 0;
            for (int c = 0; c < of.Channels; c++)
            {
                dot += of.Activation[(c * positions) + p] * (double)e[c];
            }

            map[p] = (float)(dot / (positions * norms));
        }

        return map;
    }

    /// <summary>A map over an activation's positions resized linearly to the model input's spatial grid, as CAM maps are.</summary>
    /// <param name="map">The map, one value per position.</param>
    /// <param name="of">The embedding whose positions it covers.</param>
    /// <param name="inputSpatial">The model input's spatial shape.</param>
    /// <exception cref="MedExplainParameterException">The embedding has no spatial positions (a vector layer).</exception>
    public static float[] OnInputGrid(float[] map, CaseEmbedding of, int[] inputSpatial)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(of);
        ArgumentNullException.ThrowIfNull(inputSpatial);
        return of.Spatial.Length == inputSpatial.Length
            ? Methods.Cam.LinearResize.Apply(map, of.Spatial, inputSpatial)
            : throw new MedExplainParameterException("layer", $"'{of.Layer}' has no positions laid out like the input's {inputSpatial.Length} spatial axes, so similarity cannot be mapped onto the scan; choose a convolutional layer.");
    }

    /// <summary>The number of windows per spatial axis that occlusion maps cut the input into: 8 × 8 for a 2D input,
    /// 4 × 4 × 4 for a volume (64 forward passes either way).</summary>
    /// <param name="spatialAxes">The input's spatial axes.</param>
    public static int WindowsPerAxis(int spatialAxes) => spatialAxes >= 3 ? 4 : 8;

    /// <summary>How many occluded copies of the input are held at once.</summary>
    private const int OcclusionGroup = 8;

    /// <summary>
    /// Where a case is like others when its embedding is not a mean over positions (a flattened or fully connected layer,
    /// a transformer's class token): each window of the input is set to 0 in turn and the map holds, over the window,
    /// how much the cosine with each other embedding drops. Unlike <see cref="Of"/> it does not sum to the cosine; it is
    /// an occlusion map, with the occlusion method's blockiness.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="input">One model-ready input (1, C, spatial…).</param>
    /// <param name="layer">The embedding's tensor.</param>
    /// <param name="others">The embeddings to compare with.</param>
    /// <param name="maxMemoryBytes">The memory each forward pass may take.</param>
    /// <returns>One map per other embedding, one value per voxel of the input's spatial grid.</returns>
    public static float[][] ByOcclusion(OnnxModel model, FloatTensor input, string layer, IReadOnlyList<float[]> others, long maxMemoryBytes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(others);
        int[] spatial = input.Shape[2..];
        int channels = input.Shape[1], voxels = spatial.Aggregate(1, (a, b) => a * b), perAxis = WindowsPerAxis(spatial.Length);
        int[] windowOf = Grid.CellOf(spatial, [.. spatial.Select(n => Math.Min(perAxis, n))]);

        // Occluded copies go through in groups, so memory holds a few copies of the input, not one per window; the
        // last item (index `windows`) is the input itself, which each drop is measured from.
        int windows = spatial.Aggregate(1, (a, n) => a * Math.Min(perAxis, n));
        var embeddings = new float[windows + 1][];
        for (int start = 0; start <= windows; start += OcclusionGroup)
        {
            int count = Math.Min(OcclusionGroup, windows + 1 - start);
            float[] data = new float[count * input.Data.Length];
            for (int g = 0; g < count; g++)
            {
                Span<float> copy = data.AsSpan(g * input.Data.Length, input.Data.Length);
                input.Data.CopyTo(copy);
                for (int v = 0; start + g < windows && v < voxels; v++)
                {
                    if (windowOf[v] == start + g)
                    {
                        for (int c = 0; c < channels; c++)
                        {
                            copy[(c * voxels) + v] = 0;
                        }
                    }
                }
            }

            CaseEmbedding.Stream(model, new FloatTensor([count, .. input.Shape[1..]], data), layer, maxMemoryBytes, (i, e) => embeddings[start + i] = e.Vector);
        }

        return [.. others.Select(other =>
        {
            double whole = CaseEmbedding.Cosine(embeddings[windows], other);
            float[] drops = [.. Enumerable.Range(0, windows).Select(w => (float)(whole - CaseEmbedding.Cosine(embeddings[w], other)))];
            return windowOf.Select(w => drops[w]).ToArray();
        })];
    }
}
