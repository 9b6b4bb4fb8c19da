using MedExplain.Cases;
using MedExplain.Imaging;
using MedExplain.Onnx;

namespace MedExplain.Pipelines.Cases;

/// <summary>A reference case like the query, with where the two are alike on each scan's own grid.</summary>
/// <param name="Match">The case and its cosine similarity.</param>
/// <param name="QueryMap">Which parts of the query make it like this case, on the query scan's grid: for an embedding
/// that is a mean over positions, the similarity split over them (it sums to the cosine before resampling); for any
/// other, the cosine's drop when each window of the query is occluded (<see cref="SimilarityMap.ByOcclusion"/>).</param>
/// <param name="Scan">The case's scan as read now, or null when its file is gone or changed since it was indexed.</param>
/// <param name="CaseMap">Which parts of the case make it like the query (on the case scan's grid), or null with <paramref name="Scan"/>.</param>
public sealed record SimilarCase(CaseMatch Match, float[] QueryMap, MedicalImage? Scan, float[]? CaseMap);

/// <summary>The cases most like a query scan.</summary>
/// <param name="Query">The query scan, prepared for the model.</param>
/// <param name="Layer">The layer the embeddings come from.</param>
/// <param name="Cases">The nearest cases, most alike first.</param>
/// <param name="MapsByOcclusion">Whether the maps come from occlusion (the layer has no positions to split the cosine
/// over) rather than the exact split.</param>
public sealed record SimilarCasesResult(PreparedScan Query, string Layer, IReadOnlyList<SimilarCase> Cases, bool MapsByOcclusion);

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

        CaseMatch[] matches = [.. index.Search(queryEmbedding.Vector, k, label is null ? null : c => c.Label == label)];

        // The case's scan is read again for its map, unless it moved or changed since it was indexed.
        PreparedScan?[] others = [.. matches.Select(m => File.Exists(m.Case.Scan) && CaseIndex.HashOf(m.Case.Scan) == m.Case.ScanHash ? ModelInputLoader.Prepare(m.Case.Scan, model.InputSpec) : null)];
        float[][] queryMaps, caseMaps;
        bool byOcclusion = queryEmbedding.Spatial.Length != grid.Length || queryEmbedding.Positions == 1;
        if (!byOcclusion)
        {
            // A mean over positions: the cosine splits exactly over either side's positions.
            CaseEmbedding?[] otherEmbeddings = [.. others.Select(o => o is null ? null : CaseEmbedding.Of(model, o.Batch, index.Layer, maxMemoryBytes))];
            queryMaps = [.. matches.Select(m => SimilarityMap.OnInputGrid(SimilarityMap.Of(queryEmbedding, new CaseEmbedding(index.Layer, index.Embedding(m.Index), index.Dimension, [])), queryEmbedding, grid))];
            caseMaps = [.. otherEmbeddings.Select(e => e is null ? [] : SimilarityMap.OnInputGrid(SimilarityMap.Of(e, queryEmbedding), e, grid))];
        }
        else
        {
            // Any other embedding (a vector, or a single position such as a pooled 1×1 map): by occlusion, the query's windows against every case at once, each case's against the query.
            queryMaps = SimilarityMap.ByOcclusion(model, query.Batch, index.Layer, [.. matches.Select(m => index.Embedding(m.Index))], maxMemoryBytes);
            caseMaps = [.. others.Select(o => o is null ? [] : SimilarityMap.ByOcclusion(model, o.Batch, index.Layer, [queryEmbedding.Vector], maxMemoryBytes)[0])];
        }

        var found = new List<SimilarCase>();
        for (int i = 0; i < matches.Length; i++)
        {
            found.Add(new SimilarCase(matches[i], query.Transform.MapBack(queryMaps[i]), others[i]?.Scan, others[i] is { } other ? other.Transform.MapBack(caseMaps[i]) : null));
        }

        return new SimilarCasesResult(query, index.Layer, found, byOcclusion);
    }
}
