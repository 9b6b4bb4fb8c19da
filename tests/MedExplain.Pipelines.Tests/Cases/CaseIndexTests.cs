using MedExplain.Cases;
using MedExplain.Onnx;
using MedExplain.Pipelines.Cases;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests.Cases;

/// <summary>The case index: exact search equals a naive loop, it survives a reopen and a crash between its two files,
/// and it refuses another model's embeddings.</summary>
public sealed class CaseIndexTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly OnnxModel _model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));

    public void Dispose()
    {
        _model.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Search_EqualsANaiveLoop_AndFiltersByLabel()
    {
        CaseIndex index = CaseIndex.OpenOrCreate(_temp.File("index"), _model);
        var rng = new Random(4);
        float[] Random() => [.. Enumerable.Range(0, index.Dimension).Select(_ => (float)rng.NextDouble() - 0.5f)];
        (IndexedCase Case, float[] Embedding)[] items = [.. Enumerable.Range(0, 300).Select(i => (new IndexedCase($"scan-{i}", i % 3 == 0 ? "tumour" : "normal", "h"), Random()))];
        index.Add(items);
        float[] query = Random();

        IReadOnlyList<CaseMatch> found = index.Search(query, 7);

        int[] naive = [.. items.Select((item, i) => (i, Cosine: CaseEmbedding.Cosine(query, item.Embedding))).OrderByDescending(p => p.Cosine).Take(7).Select(p => p.i)];
        Assert.Equal(naive, found.Select(m => m.Index));
        Assert.All(found, m => Assert.Equal(CaseEmbedding.Cosine(query, items[m.Index].Embedding), m.Similarity, 5));
        Assert.All(index.Search(query, 5, c => c.Label == "tumour"), m => Assert.Equal("tumour", m.Case.Label));
    }

    [Fact]
    public void Reopened_GivesTheSameCasesAndSearches_AndIgnoresRowsACrashLeft()
    {
        string folder = _temp.File("index");
        CaseIndex index = CaseIndex.OpenOrCreate(folder, _model);
        float[] row = [.. Enumerable.Range(0, index.Dimension).Select(i => (float)Math.Sin(i))];
        index.Add([(new IndexedCase("a.png", "normal", "h1"), row), (new IndexedCase("b.png", "tumour", "h2"), [.. row.Select(v => -v)])]);

        // A crash after appending a row and before rewriting index.json leaves an extra row.
        File.AppendAllBytes(Path.Combine(folder, "embeddings.f32"), new byte[index.Dimension * sizeof(float)]);
        CaseIndex reopened = CaseIndex.OpenOrCreate(folder, _model);

        Assert.Equal(index.Cases, reopened.Cases);
        Assert.Equal(Path.GetFullPath("a.png"), reopened.Search(row, 1)[0].Case.Scan); // kept as a full path
        reopened.Add([(new IndexedCase("c.png", null, "h3"), row)]);
        Assert.Equal(3, CaseIndex.OpenOrCreate(folder, _model).Cases.Count);
        Assert.Equal(3L * index.Dimension * sizeof(float), new FileInfo(Path.Combine(folder, "embeddings.f32")).Length);
    }

    [Fact]
    public void AnotherModelsIndex_IsRefused()
    {
        string folder = _temp.File("index");
        CaseIndex index = CaseIndex.OpenOrCreate(folder, _model);
        index.Add([(new IndexedCase("a.png", null, "h"), new float[index.Dimension])]);
        using OnnxModel other = OnnxModel.Load(RepoPaths.DemoModel("shortcut-marker-2d"));

        MedExplainInputException refusal = Assert.Throws<MedExplainInputException>(() => CaseIndex.OpenOrCreate(folder, other));

        Assert.Contains("another model", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DemoSlices_EachFindsItselfFirst_WithCosineOne()
    {
        CaseIndex index = CaseIndex.OpenOrCreate(_temp.File("index"), _model);
        string[] scans = [.. Directory.GetFiles(RepoPaths.DemoScan("2d"), "slice-0?-*.png").Where(f => !f.Contains("-mask", StringComparison.Ordinal) && !f.Contains("-regions", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        index.AddScans(_model, [.. scans.Select(s => (s, (string?)RepoPaths.PoolLabel(s)))], 1L << 30);

        foreach (string scan in scans)
        {
            FloatTensor input = MedExplain.Imaging.ModelInputLoader.Load(scan, _model.InputSpec);
            CaseMatch best = index.Search(CaseEmbedding.Of(_model, input, index.Layer, 1L << 30).Vector, 1)[0];

            Assert.Equal(scan, best.Case.Scan);
            Assert.Equal(1.0, best.Similarity, 5);
            Assert.Equal(CaseIndex.HashOf(scan), best.Case.ScanHash);
        }
    }

    [Fact]
    public void IndexingAgain_SkipsScansAlreadyIndexedUnchanged_AndAddsAChangedOne()
    {
        string[] scans = [.. new[] { "2d/slice-01-normal.png", "2d/slice-02-tumour.png" }.Select(s => _temp.File(Path.GetFileName(s)))];
        File.Copy(RepoPaths.DemoScan("2d/slice-01-normal.png"), scans[0]);
        File.Copy(RepoPaths.DemoScan("2d/slice-02-tumour.png"), scans[1]);
        CaseIndex index = CaseIndex.OpenOrCreate(_temp.File("index"), _model);
        (string, string?)[] items = [.. scans.Select(s => (s, (string?)null))];

        Assert.Equal(2, index.AddScans(_model, items, 1L << 30));
        Assert.Equal(0, CaseIndex.OpenOrCreate(_temp.File("index"), _model).AddScans(_model, items, 1L << 30));
        File.Copy(RepoPaths.DemoScan("2d/slice-05-tumour.png"), scans[1], overwrite: true);
        CaseIndex reopened = CaseIndex.OpenOrCreate(_temp.File("index"), _model);

        Assert.Equal(1, reopened.AddScans(_model, items, 1L << 30));
        Assert.Equal(3, reopened.Cases.Count);
    }

    [Fact]
    public void AnIndexMovedWithItsScans_StillFindsThem()
    {
        string project = _temp.File("project"), scans = Path.Combine(project, "scans");
        Directory.CreateDirectory(scans);
        string[] files = [.. new[] { "2d/slice-01-normal.png", "2d/slice-02-tumour.png" }.Select(s =>
        {
            string copy = Path.Combine(scans, Path.GetFileName(s));
            File.Copy(RepoPaths.DemoScan(s), copy);
            return copy;
        })];
        CaseIndex.OpenOrCreate(Path.Combine(project, "cases"), _model).AddScans(_model, [.. files.Select(f => (f, (string?)null))], 1L << 30);

        Directory.Move(project, _temp.File("moved"));
        CaseIndex moved = CaseIndex.Open(_temp.File("moved/cases"), _model);
        SimilarCasesResult found = SimilarCases.Find(_model, moved, _temp.File("moved/scans/slice-02-tumour.png"), 2, null, 1L << 30);

        Assert.Equal([.. files.Select(f => f.Replace(project, _temp.File("moved"), StringComparison.Ordinal))], moved.Cases.Select(c => c.Scan));
        Assert.All(found.Cases, c => Assert.NotNull(c.CaseMap));
        Assert.Contains("\"../scans/slice-01-normal.png\"", File.ReadAllText(_temp.File("moved/cases/index.json")), StringComparison.Ordinal);
    }
}
