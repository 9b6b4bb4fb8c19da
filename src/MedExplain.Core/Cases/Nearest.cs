using System.Numerics.Tensors;

namespace MedExplain.Cases;

/// <summary>Nearest neighbours by cosine: the one top-k selection behind index search and retrieval evaluation.</summary>
public static class Nearest
{
    /// <summary>Orders scores worst first: lower similarity, then (ties) the later case.</summary>
    private static readonly Comparer<(double Similarity, int Index)> WorstFirst =
        Comparer<(double Similarity, int Index)>.Create((a, b) => a.Similarity != b.Similarity ? a.Similarity.CompareTo(b.Similarity) : b.Index.CompareTo(a.Index));

    /// <summary>A vector scaled to unit length (all zeros stay zeros), so a dot product is the cosine.</summary>
    /// <param name="vector">The vector.</param>
    public static float[] Unit(ReadOnlySpan<float> vector)
    {
        float norm = TensorPrimitives.Norm(vector);
        var unit = new float[vector.Length];
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, unit);
        }

        return unit;
    }

    /// <summary>The <paramref name="k"/> unit rows most like a unit query, most alike first (ties by index), in one pass
    /// keeping the k best in a heap: O(n log k), not a full sort.</summary>
    /// <param name="query">The query, unit length.</param>
    /// <param name="rows">The candidates, unit length.</param>
    /// <param name="k">How many.</param>
    /// <param name="allowed">Which rows may be returned, or null for all.</param>
    /// <returns>Each row's index and cosine.</returns>
    public static IReadOnlyList<(int Index, double Similarity)> Top(ReadOnlySpan<float> query, IReadOnlyList<float[]> rows, int k, Func<int, bool>? allowed = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var best = new PriorityQueue<int, (double Similarity, int Index)>(k + 1, WorstFirst);
        for (int i = 0; i < rows.Count; i++)
        {
            if (allowed is not null && !allowed(i))
            {
                continue;
            }

            double similarity = TensorPrimitives.Dot(query, rows[i]);
            if (best.Count < k)
            {
                best.Enqueue(i, (similarity, i));
            }
            else if (best.TryPeek(out _, out (double Similarity, int Index) worst) && WorstFirst.Compare(worst, (similarity, i)) < 0)
            {
                best.EnqueueDequeue(i, (similarity, i));
            }
        }

        var found = new (int, double)[best.Count];
        for (int r = found.Length - 1; best.TryDequeue(out int index, out (double Similarity, int Index) score); r--)
        {
            found[r] = (index, score.Similarity);
        }

        return found;
    }
}
