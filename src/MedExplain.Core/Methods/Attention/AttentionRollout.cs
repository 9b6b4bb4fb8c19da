namespace MedExplain.Methods.Attention;

/// <summary>The arithmetic of attention maps, one item at a time, in double precision: head means of a block's
/// attention, and rows of rolled-out products computed right to left as vector–matrix products (one row of
/// M_L ⋯ M_1 is e·M_L ⋯ M_1, so rolling out T tokens over L blocks costs L·T², not L·T³).</summary>
internal static class AttentionRollout
{
    /// <summary>Ā = mean over heads of A, a T×T row-major matrix; with a gradient, the mean of (∇A ⊙ A)⁺ instead.</summary>
    /// <param name="attention">One item's attention, heads × T × T.</param>
    /// <param name="gradient">The score's gradient with respect to it, or null.</param>
    /// <param name="heads">The number of heads.</param>
    public static double[] HeadMean(ReadOnlySpan<float> attention, ReadOnlySpan<float> gradient, int heads)
    {
        int size = attention.Length / heads;
        var mean = new double[size];
        for (int h = 0; h < heads; h++)
        {
            for (int i = 0; i < size; i++)
            {
                double a = attention[(h * size) + i];
                mean[i] += gradient.IsEmpty ? a : Math.Max(gradient[(h * size) + i] * a, 0);
            }
        }

        for (int i = 0; i < size; i++)
        {
            mean[i] /= heads;
        }

        return mean;
    }

    /// <summary>The row <paramref name="start"/>ᵀ·M_L ⋯ M_1 of a rollout, with M = ½Ā + ½I for attention rollout and
    /// M = I + Ā for gradient rollout (R ← R + Ā·R expands to the same product).</summary>
    /// <param name="means">Each block's Ā, first block first.</param>
    /// <param name="start">The starting row (the class token's unit vector, or a uniform row for pooled models).</param>
    /// <param name="variant">Which rollout.</param>
    public static double[] Row(IReadOnlyList<double[]> means, double[] start, AttentionVariant variant)
    {
        double[] row = start;
        for (int block = means.Count - 1; block >= 0; block--)
        {
            double[] attended = Times(row, means[block]);
            for (int j = 0; j < row.Length; j++)
            {
                attended[j] = variant == AttentionVariant.Rollout ? 0.5 * (row[j] + attended[j]) : row[j] + attended[j];
            }

            row = attended;
        }

        return row;
    }

    /// <summary>The row vector times a square row-major matrix.</summary>
    public static double[] Times(double[] row, double[] matrix)
    {
        int tokens = row.Length;
        var result = new double[tokens];
        for (int i = 0; i < tokens; i++)
        {
            if (row[i] == 0)
            {
                continue;
            }

            for (int j = 0; j < tokens; j++)
            {
                result[j] += row[i] * matrix[(i * tokens) + j];
            }
        }

        return result;
    }
}
