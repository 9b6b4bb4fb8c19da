using MedExplain.Metrics;

namespace MedExplain.Cases;

/// <summary>
/// How well a model's embeddings retrieve cases, from one embedding per case: the same-class rate of the nearest cases
/// (leave one out), how much two models agree on the ranking (trained against randomised: low means the ranking comes
/// from training), and shortcut checks with a confounder (a burned-in marker): how often confounded queries retrieve
/// confounded cases, and how far the confounder alone moves a case's embedding.
/// </summary>
public static class RetrievalEvaluation
{
    /// <summary>Leave one out: the share of labelled cases whose nearest other case has their label, and the mean share
    /// of their <paramref name="k"/> nearest that do.</summary>
    /// <param name="embeddings">One embedding per case.</param>
    /// <param name="labels">Each case's label; null cases are not queried (and never match).</param>
    /// <param name="k">How many neighbours the second rate counts.</param>
    /// <exception cref="MedExplainParameterException">Fewer than two cases, lengths differ, no labelled case, or k out of range.</exception>
    public static (double At1, double AtK) SameClassRates(IReadOnlyList<float[]> embeddings, IReadOnlyList<string?> labels, int k)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        Check(embeddings, k);
        if (labels.Count != embeddings.Count || labels.All(l => l is null))
        {
            throw new MedExplainParameterException("labels", $"need one label per case ({embeddings.Count}), at least one of them given; got {labels.Count}.");
        }

        float[][] unit = Units(embeddings);
        double at1 = 0, atK = 0;
        int queries = 0;
        for (int q = 0; q < unit.Length; q++)
        {
            if (labels[q] is not { } label)
            {
                continue;
            }

            int query = q;
            int[] nearest = NearestOf(unit[q], unit, k, i => i != query);
            at1 += labels[nearest[0]] == label ? 1 : 0;
            atK += nearest.Count(i => labels[i] == label) / (double)nearest.Length;
            queries++;
        }

        return (at1 / queries, atK / queries);
    }

    /// <summary>The mean over queries of Spearman's ρ between two embeddings' similarities to every other case (leave
    /// one out): 1 when both rank the cases alike.</summary>
    /// <param name="first">The cases' embeddings by one model (the trained one).</param>
    /// <param name="second">The same cases' embeddings by another (a randomised copy).</param>
    /// <exception cref="MedExplainParameterException">Fewer than three cases, or the lists differ in length.</exception>
    public static double RankAgreement(IReadOnlyList<float[]> first, IReadOnlyList<float[]> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Count != second.Count || first.Count < 3)
        {
            throw new MedExplainParameterException("embeddings", $"need the same three or more cases from both models, not {first.Count} and {second.Count}.");
        }

        double sum = 0;
        for (int q = 0; q < first.Count; q++)
        {
            float[] a = Similarities(first, q), b = Similarities(second, q);
            sum += Randomisation.Spearman(a, b);
        }

        return sum / first.Count;
    }

    /// <summary>The mean share of confounded cases among each query's <paramref name="k"/> nearest pool cases: near
    /// the pool's base rate when the embedding ignores the confounder.</summary>
    /// <param name="queries">The query embeddings (queries carrying the confounder, for the usual check).</param>
    /// <param name="pool">The pool's embeddings.</param>
    /// <param name="confounded">Which pool cases carry the confounder.</param>
    /// <param name="k">How many neighbours.</param>
    /// <param name="excluded">Pool cases a query may not retrieve (itself, its twin), or null.</param>
    /// <exception cref="MedExplainParameterException">An empty list, lengths differ, or k out of range.</exception>
    public static double ConfoundedRate(IReadOnlyList<float[]> queries, IReadOnlyList<float[]> pool, IReadOnlyList<bool> confounded, int k, Func<int, int, bool>? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(confounded);
        Check(pool, k);
        if (queries.Count == 0 || confounded.Count != pool.Count)
        {
            throw new MedExplainParameterException("confounded", $"need one flag per pool case ({pool.Count}) and at least one query; got {confounded.Count} flags and {queries.Count} queries.");
        }

        float[][] rows = Units(pool);
        double rate = 0;
        for (int q = 0; q < queries.Count; q++)
        {
            int query = q;
            int[] nearest = NearestOf(Nearest.Unit(queries[q]), rows, k, i => excluded?.Invoke(query, i) != true);
            rate += nearest.Count(i => confounded[i]) / (double)nearest.Length;
        }

        return rate / queries.Count;
    }

    /// <summary>How far the confounder alone moves an embedding: the mean 1 − cos between each case without and with it
    /// (0: the model does not see it).</summary>
    /// <param name="without">The cases' embeddings without the confounder.</param>
    /// <param name="with">The same cases' embeddings with it.</param>
    /// <exception cref="MedExplainParameterException">The lists are empty or differ in length.</exception>
    public static double ConfounderShift(IReadOnlyList<float[]> without, IReadOnlyList<float[]> with)
    {
        ArgumentNullException.ThrowIfNull(without);
        ArgumentNullException.ThrowIfNull(with);
        return without.Count == with.Count && without.Count > 0
            ? without.Zip(with).Average(p => 1 - CaseEmbedding.Cosine(p.First, p.Second))
            : throw new MedExplainParameterException("embeddings", $"need the same one or more cases with and without the confounder, not {without.Count} and {with.Count}.");
    }

    /// <summary>The <paramref name="k"/> unit rows nearest to a unit query (ties by index) among those allowed.</summary>
    private static int[] NearestOf(float[] query, float[][] rows, int k, Func<int, bool> allowed) =>
        [.. Nearest.Top(query, rows, k, allowed).Select(m => m.Index)];

    private static float[][] Units(IReadOnlyList<float[]> embeddings) => [.. embeddings.Select(e => Nearest.Unit(e))];

    private static float[] Similarities(IReadOnlyList<float[]> embeddings, int query) =>
        [.. Enumerable.Range(0, embeddings.Count).Where(i => i != query).Select(i => (float)CaseEmbedding.Cosine(embeddings[query], embeddings[i]))];

    private static void Check(IReadOnlyList<float[]> cases, int k)
    {
        if (cases.Count < 2 || k < 1 || k >= cases.Count)
        {
            throw new MedExplainParameterException("k", $"must be between 1 and the number of cases less one ({cases.Count - 1}), not {k}.");
        }
    }
}
