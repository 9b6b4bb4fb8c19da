using MedExplain.Cases;
using MedExplain.Imaging;
using MedExplain.Onnx;

namespace MedExplain.Pipelines.Cases;

/// <summary>A reference case like the query, with where the two are alike on each scan's own grid.</summary>
/// <param name="Match">The case and its cosine similarity.</param>
/// <param name="QueryMap">Which parts of the query make it like this case (on the query scan's grid; sums to the
/// similarity before resampling).</param>
/// <param name="Scan">The case's scan as read now, or null when its file is gone or changed since it was indexed.</param>
/// <param name="CaseMap">Which parts of the case make it like the query (on the case scan's grid), or null with <paramref name="Scan"/>.</param>
public sealed record SimilarCase(CaseMatch Match, float[] QueryMap, MedicalImage? Scan, float[]? CaseMap);

/// <summary>The cases most like a query scan.</summary>
/// <param name="Query">The query scan, prepared for the model.</param>
/// <param name="Layer">The layer the embeddings come from.</param>
/// <param name="Cases">The nearest cases, most alike first.</param>
public sealed record SimilarCasesResult(PreparedScan Query, string Layer, IReadOnlyList<SimilarCase> Cases);

/// <summary>The use case behind <c>medexplain similar</c>: a scan's nearest reference cases in an index, with
/// similarity maps on the query and on each case.</summary>
public static class SimilarCases
{
    /// <summary>Finds the <paramref name="k"/> indexed cases most like <paramref name="scan"/>.</summary>
    /// <param name="model">The index's model.</param>
    /// <param name="index">The index.</param>
    /// <param name="scan">The query scan's path.</param>
    /// <param name="k">How many cases.</param>
    /// <param name="label">Only cases with this label, or null for all.</param>
    /// <param name="maxMemoryBytes">The memory each forward pass may take.</param>
    /// <param name="region">A mask on the query scan's grid: the query is pooled only inside it (its similarity map is 0
    /// outside), or null for the whole scan.</param>
    /// <exception cref="MedExplainInputException">The scan or the mask cannot be read, or the mask covers nothing.</exception>
    public static SimilarCasesResult Find(OnnxModel model, CaseIndex index, string scan, int k, string? label, long maxMemoryBytes, string? region = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        PreparedScan query = ModelInputLoader.Prepare(scan, model.InputSpec);
        return Find(model, index, query, k, label, maxMemoryBytes, region is null ? null : query.LabelsOnModelGrid(region));
    }

    /// <summary>Finds the <paramref name="k"/> indexed cases most like an already prepared scan.</summary>
    /// <param name="model">The index's model.</param>
    /// <param name="index">The index.</param>
    /// <param name="query">The query, prepared for the model as the index's scans were (normalised).</param>
    /// <param name="k">How many cases.</param>
    /// <param name="label">Only cases with this label, or null for all.</param>
    /// <param name="maxMemoryBytes">The memory each forward pass may take.</param>
    /// <param name="regionOnModelGrid">Non-zero where the query is pooled, on the model input's spatial grid, or null for all of it.</param>
    /// <exception cref="MedExplainInputException">The region covers nothing, or a case's scan cannot be read.</exception>
    public static SimilarCasesResult Find(OnnxModel model, CaseIndex index, PreparedScan query, int k, string? label, long maxMemoryBytes, float[]? regionOnModelGrid = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(query);
        int[] grid = query.Batch.Shape[2..];
        CaseEmbedding queryEmbedding = CaseEmbedding.Of(model, query.Batch, index.Layer, maxMemoryBytes);
        if (regionOnModelGrid is not null)
        {
            queryEmbedding = queryEmbedding.Within(regionOnModelGrid, grid);
        }

        var found = new List<SimilarCase>();
        foreach (CaseMatch match in index.Search(queryEmbedding.Vector, k, label is null ? null : c => c.Label == label))
        {
            // The case's scan is read again for its map, unless it moved or changed since it was indexed.
            PreparedScan? other = File.Exists(match.Case.Scan) && CaseIndex.HashOf(match.Case.Scan) == match.Case.ScanHash
                ? ModelInputLoader.Prepare(match.Case.Scan, model.InputSpec)
                : null;
            CaseEmbedding? otherEmbedding = other is null ? null : CaseEmbedding.Of(model, other.Batch, index.Layer, maxMemoryBytes);
            var stored = new CaseEmbedding(index.Layer, index.Embedding(match.Index), index.Dimension, []);
            float[] queryMap = query.Transform.MapBack(SimilarityMap.OnInputGrid(SimilarityMap.Of(queryEmbedding, stored), queryEmbedding, grid));
            float[]? caseMap = other is null ? null : other.Transform.MapBack(SimilarityMap.OnInputGrid(SimilarityMap.Of(otherEmbedding!, queryEmbedding), otherEmbedding!, grid));
            found.Add(new SimilarCase(match, queryMap, other?.Scan, caseMap));
        }

        return new SimilarCasesResult(query, index.Layer, found);
    }
}
