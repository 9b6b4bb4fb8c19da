using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedExplain.Cases;
using MedExplain.Imaging;
using MedExplain.Onnx;

namespace MedExplain.Pipelines.Cases;

/// <summary>A reference case in an index: the scan, its label and the SHA-256 of the scan file.</summary>
/// <param name="Scan">The scan's full path. The index stores it relative to its own folder, so an index moved together
/// with its scans (a project folder copied to another machine) still finds them.</param>
/// <param name="Label">Its label (a diagnosis, say), or null.</param>
/// <param name="ScanHash">The SHA-256 of the scan file, hex.</param>
public sealed record IndexedCase(string Scan, string? Label, string ScanHash);

/// <summary>A case found by a search, with its cosine similarity to the query.</summary>
/// <param name="Case">The case.</param>
/// <param name="Index">Its position in the index.</param>
/// <param name="Similarity">The cosine similarity of the embeddings.</param>
public sealed record CaseMatch(IndexedCase Case, int Index, double Similarity);

/// <summary>
/// An on-disk index of reference cases for one model and layer: <c>index.json</c> (the model's graph hash, the layer, the
/// cases) and <c>embeddings.f32</c> (one float32 row per case). Cases are appended: their rows first, flushed, then the
/// JSON rewritten atomically, so a crash between the two leaves rows the JSON does not count, which a reopen ignores.
/// Searches are exact: the cosine with every case.
/// </summary>
public sealed class CaseIndex
{
    private const string IndexFile = "index.json";
    private const string EmbeddingsFile = "embeddings.f32";

    /// <summary>How many scans are read and embedded together while indexing.</summary>
    private const int ScansPerGroup = 32;

    /// <summary>How many new cases are saved at once while indexing.</summary>
    private const int CasesPerSave = 1024;

    /// <summary>The most cases an index holds (rows are read into memory for exact search).</summary>
    public const int MaxCases = 5_000_000;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly string _folder;
    private readonly string _modelHash;
    private readonly List<IndexedCase> _cases;
    private readonly List<float[]> _unit;

    private CaseIndex(string folder, string modelHash, string layer, int dimension, List<IndexedCase> cases, List<float[]> unit)
    {
        _folder = folder;
        _modelHash = modelHash;
        Layer = layer;
        Dimension = dimension;
        _cases = cases;
        _unit = unit;
    }

    /// <summary>Gets the layer the embeddings come from.</summary>
    public string Layer { get; }

    /// <summary>Gets the length of an embedding.</summary>
    public int Dimension { get; }

    /// <summary>Gets the cases, in the order they were added.</summary>
    public IReadOnlyList<IndexedCase> Cases => _cases;

    /// <summary>Opens the index in <paramref name="folder"/>, which must hold one.</summary>
    /// <param name="folder">The index's folder.</param>
    /// <param name="model">The model its embeddings were made by.</param>
    /// <exception cref="MedExplainInputException">The folder holds no index, or one of another model, or damaged files.</exception>
    public static CaseIndex Open(string folder, OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return File.Exists(Path.Combine(folder, IndexFile))
            ? OpenOrCreate(folder, model)
            : throw new MedExplainInputException(folder, $"holds no case index ({IndexFile}): index reference scans into it with the same model first.");
    }

    /// <summary>Opens the index in <paramref name="folder"/>, or starts one there when it holds none.</summary>
    /// <param name="folder">The index's folder.</param>
    /// <param name="model">The model the embeddings are (to be) made by.</param>
    /// <param name="layer">The layer, or null for the existing index's, else <see cref="CaseEmbedding.DefaultLayer"/>.</param>
    /// <exception cref="MedExplainInputException">The index was made by another model or at another layer, or its files are damaged.</exception>
    public static CaseIndex OpenOrCreate(string folder, OnnxModel model, string? layer = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(model);
        string path = Path.Combine(folder, IndexFile);
        if (!File.Exists(path))
        {
            string chosen = layer is null ? CaseEmbedding.DefaultLayer(model) : MedExplain.Concepts.LayerProbe.Resolve(model, layer);
            int[] item = model.InputShapeFor(1) ?? throw new MedExplainInputException(model.FilePath, "leaves its input size open and has no model card to fix it; give it a card (see docs/model-card.md) to index scans.");
            int[] shape = model.ProbeShapes([model.FixedBatchSize ?? 1, .. item[1..]]).Shapes[chosen];
            return new CaseIndex(folder, model.GraphHash, chosen, shape.Length > 1 ? shape[1] : 1, [], []);
        }

        CaseIndex index = Read(folder);
        if (index._modelHash != model.GraphHash)
        {
            throw new MedExplainInputException(path, "was made by another model (its graph hash differs): embeddings of different models cannot be compared; index into a new folder.");
        }

        if (layer is not null && MedExplain.Concepts.LayerProbe.Resolve(model, layer) != index.Layer)
        {
            throw new MedExplainInputException(path, $"holds embeddings at '{index.Layer}', not at '{layer}'; index into a new folder to use another layer.");
        }

        return index;
    }

    /// <summary>Embeds scans with the model and appends them, a bounded group of scans in memory and one forward pass
    /// per group (sized by the budget).</summary>
    /// <param name="model">The index's model.</param>
    /// <param name="scans">Each scan's path and label.</param>
    /// <param name="maxMemoryBytes">The memory each forward pass may take.</param>
    /// <param name="progress">Receives progress after each group, or null.</param>
    /// <returns>How many scans were added: a scan already in the index with the same content is skipped.</returns>
    /// <exception cref="MedExplainInputException">A scan is missing or unreadable (the cases saved before it stay).</exception>
    public int AddScans(OnnxModel model, IReadOnlyList<(string Scan, string? Label)> scans, long maxMemoryBytes, IProgress<Batching.BatchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(scans);

        // A scan already indexed unchanged is skipped, so indexing a folder again (or after a crash) adds only what is new.
        var indexed = new HashSet<(string, string)>(_cases.Select(c => (Path.GetFullPath(c.Scan), c.ScanHash)));
        var pending = new List<(IndexedCase, float[])>();
        int added = 0;
        for (int start = 0; start < scans.Count; start += ScansPerGroup)
        {
            (string Scan, string? Label, string Hash)[] group = [.. scans.Skip(start).Take(ScansPerGroup)
                .Select(s => (s.Scan, s.Label, Hash: HashOf(s.Scan)))
                .Where(s => indexed.Add((Path.GetFullPath(s.Scan), s.Hash)))];
            if (group.Length > 0)
            {
                FloatTensor inputs = FloatTensor.Concatenate([.. group.Select(s => ModelInputLoader.Load(s.Scan, model.InputSpec))]);
                var embeddings = new float[group.Length][];
                CaseEmbedding.Stream(model, inputs, Layer, maxMemoryBytes, (i, embedding) => embeddings[i] = embedding.Vector);
                pending.AddRange(group.Select((s, i) => (new IndexedCase(s.Scan, s.Label, s.Hash), embeddings[i])));
                added += group.Length;
            }

            // Saved every so many cases, so a failure loses little and the JSON is not rewritten per group.
            if (pending.Count >= CasesPerSave || (start + ScansPerGroup >= scans.Count && pending.Count > 0))
            {
                Add(pending);
                pending.Clear();
            }

            progress?.Report(new Batching.BatchProgress(Math.Min(start + ScansPerGroup, scans.Count), scans.Count, (start / ScansPerGroup) + 1));
        }

        return added;
    }

    /// <summary>Appends cases with their embeddings and saves the index.</summary>
    /// <param name="items">The cases and their embeddings (each <see cref="Dimension"/> long).</param>
    /// <exception cref="MedExplainParameterException">An embedding of another length, or more than <see cref="MaxCases"/> cases.</exception>
    public void Add(IReadOnlyList<(IndexedCase Case, float[] Embedding)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.FirstOrDefault(i => i.Embedding.Length != Dimension) is { Embedding: not null } wrong)
        {
            throw new MedExplainParameterException("embedding", $"of {wrong.Case.Scan} holds {wrong.Embedding.Length} values; the index holds {Dimension} per case.");
        }

        if (_cases.Count + items.Count > MaxCases)
        {
            throw new MedExplainParameterException("cases", $"would make {_cases.Count + items.Count} cases; an index holds at most {MaxCases}.");
        }

        Directory.CreateDirectory(_folder);
        using (var rows = new FileStream(Path.Combine(_folder, EmbeddingsFile), FileMode.OpenOrCreate, FileAccess.Write))
        {
            // Rows a crash left beyond the counted cases are overwritten.
            rows.SetLength((long)_cases.Count * Dimension * sizeof(float));
            rows.Seek(0, SeekOrigin.End);
            foreach ((_, float[] embedding) in items)
            {
                rows.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(embedding.AsSpan()));
            }

            rows.Flush(flushToDisk: true);
        }

        _cases.AddRange(items.Select(i => i.Case with { Scan = Path.GetFullPath(i.Case.Scan) }));
        _unit.AddRange(items.Select(i => Nearest.Unit(i.Embedding)));
        AtomicFile.WriteAllText(Path.Combine(_folder, IndexFile), JsonSerializer.Serialize(new JsonObject
        {
            ["schemaVersion"] = 1,
            ["modelHash"] = _modelHash,
            ["layer"] = Layer,
            ["dimension"] = Dimension,
            ["cases"] = new JsonArray([.. _cases.Select(c => (JsonNode)new JsonObject { ["scan"] = Path.GetRelativePath(Path.GetFullPath(_folder), c.Scan), ["label"] = c.Label, ["scanHash"] = c.ScanHash })]),
        }, Indented));
    }

    /// <summary>The <paramref name="k"/> cases most like <paramref name="query"/> by cosine similarity, most alike first
    /// (ties by index), among those <paramref name="where"/> keeps.</summary>
    /// <param name="query">The query's embedding.</param>
    /// <param name="k">How many.</param>
    /// <param name="where">Which cases may be returned (a label filter, say), or null for all.</param>
    /// <exception cref="MedExplainParameterException">k below 1, or a query of another length.</exception>
    public IReadOnlyList<CaseMatch> Search(ReadOnlySpan<float> query, int k, Func<IndexedCase, bool>? where = null)
    {
        if (k < 1)
        {
            throw new MedExplainParameterException("k", $"must be at least 1, not {k}.");
        }

        if (query.Length != Dimension)
        {
            throw new MedExplainParameterException("query", $"holds {query.Length} values; the index holds {Dimension} per case.");
        }

        return [.. Nearest.Top(Nearest.Unit(query), _unit, k, where is null ? null : i => where(_cases[i]))
            .Select(m => new CaseMatch(_cases[m.Index], m.Index, m.Similarity))];
    }

    /// <summary>A case's embedding scaled to unit length (cosines do not depend on the scale).</summary>
    /// <param name="index">The case's position in the index.</param>
    public float[] Embedding(int index) => [.. _unit[index]];

    /// <summary>The SHA-256 of a file, hex.</summary>
    /// <param name="path">The file.</param>
    public static string HashOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static CaseIndex Read(string folder)
    {
        string path = Path.Combine(folder, IndexFile);
        try
        {
            JsonNode root = JsonNode.Parse(File.ReadAllText(path)) ?? throw new JsonException("empty");
            string hash = (string?)root["modelHash"] ?? throw new JsonException("no modelHash");
            string layer = (string?)root["layer"] ?? throw new JsonException("no layer");
            int dimension = (int?)root["dimension"] ?? throw new JsonException("no dimension");
            List<IndexedCase> cases = [.. (root["cases"]?.AsArray() ?? throw new JsonException("no cases")).Select(c =>
                new IndexedCase(Path.GetFullPath(Path.Combine(folder, (string?)c!["scan"] ?? throw new JsonException("a case without a scan"))), (string?)c["label"], (string?)c["scanHash"] ?? string.Empty))];
            if (dimension < 1 || cases.Count > MaxCases)
            {
                throw new JsonException($"dimension {dimension} with {cases.Count} cases");
            }

            string rowsPath = Path.Combine(folder, EmbeddingsFile);
            long needed = (long)cases.Count * dimension * sizeof(float);
            long length = File.Exists(rowsPath) ? new FileInfo(rowsPath).Length : 0;
            if (length < needed)
            {
                throw new MedExplainInputException(rowsPath, $"holds {length} bytes, fewer than the {needed} that {cases.Count} cases of {dimension} values need: the index is damaged.");
            }

            var unit = new List<float[]>(cases.Count);
            using (FileStream rows = File.OpenRead(rowsPath))
            {
                var row = new float[dimension];
                for (int i = 0; i < cases.Count; i++)
                {
                    rows.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(row.AsSpan()));
                    unit.Add(Nearest.Unit(row));
                }
            }

            return new CaseIndex(folder, hash, layer, dimension, cases, unit);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new MedExplainInputException(path, $"is not a case index: {e.Message}", e);
        }
    }
}
