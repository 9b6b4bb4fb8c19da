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
}
