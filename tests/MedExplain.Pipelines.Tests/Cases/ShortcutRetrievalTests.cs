using MedExplain.Cases;
using MedExplain.Imaging;
using MedExplain.Onnx;
using MedExplain.TestUtilities;
using Xunit.Abstractions;

namespace MedExplain.Pipelines.Tests.Cases;

/// <summary>
/// Shortcut checks by retrieval on the demo's screening pool, with the burned-in "L" marker copied onto every other slice
/// (the same slices with and without it, nothing else changed). Queried with marker-bearing slices, the shortcut model
/// retrieves marker cases only and its query maps crowd onto the marker; the marker moves its embedding five times as far
/// as the honest model's. The honest model's neighbours do not stay at the base rate here: the pool's slices come from
/// one template and lie closer together than the marker moves even the honest model (docs/cases.md), so the rate alone
/// cannot tell the two apart on this pool; the shift and the maps can.
/// </summary>
public sealed class ShortcutRetrievalTests(ITestOutputHelper output)
{
    private const int K = 5;

    [Fact]
    public void MarkerQueries_ShowTheShortcutModelsMarkerInRateShiftAndMaps()
    {
        Measures shortcut = Measure("shortcut-marker-2d"), honest = Measure("brain-lesion-2d");

        output.WriteLine($"base rate 0.50; marker area {shortcut.AreaShare:0.000} of the slice");
        output.WriteLine($"shortcut model: {shortcut}");
        output.WriteLine($"honest model:   {honest}");
        Assert.True(shortcut.MarkerRate >= 0.95, $"shortcut model: {shortcut}");
        Assert.True(shortcut.MapOnMarker >= 5 * shortcut.AreaShare, $"shortcut model: {shortcut}");
        Assert.True(honest.MapOnMarker <= shortcut.MapOnMarker / 2, $"honest {honest}, shortcut {shortcut}");
        Assert.True(shortcut.Shift >= 3 * honest.Shift, $"honest {honest}, shortcut {shortcut}");
    }

    /// <summary>What retrieval says about the marker, for one model.</summary>
    /// <param name="MarkerRate">The mean share of marker cases among a marker query's nearest (leave one out).</param>
    /// <param name="MapOnMarker">The mean share of a marker query's similarity map (positive part) on the marker area.</param>
    /// <param name="Shift">How far the marker alone moves a slice's embedding (mean 1 − cos).</param>
    /// <param name="AreaShare">The share of the slice the marker area covers.</param>
    private sealed record Measures(double MarkerRate, double MapOnMarker, double Shift, double AreaShare)
    {
        public override string ToString() => FormattableString.Invariant($"marker rate of the {K} nearest {MarkerRate:0.00}, query map on the marker {MapOnMarker:0.00}, shift 1 − cos {Shift:0.000}");
    }

    private static Measures Measure(string modelName)
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel(modelName));
        string[] scans = RepoPaths.ScreeningPool();
        MedicalImage marked = MedicalImageReader.Read(Path.Combine(RepoPaths.Demo, "concepts", "marker", "marker-001.png"));
        float[] area = MedicalImageReader.Read(RepoPaths.DemoScan("shortcut/marker-area.png")).Voxels;
        CaseEmbedding[] plain = Embed(model, scans, burn: false, marked, area), burned = Embed(model, scans, burn: true, marked, area);
        bool[] hasMarker = [.. scans.Select((_, i) => i % 2 == 0)];
        float[][] pool = [.. scans.Select((_, i) => (hasMarker[i] ? burned[i] : plain[i]).Vector)];

        double rate = RetrievalEvaluation.ConfoundedRate([.. burned.Select(e => e.Vector)], pool, hasMarker, K, (q, i) => q == i);
        double onMarker = 0;
        for (int q = 0; q < scans.Length; q++)
        {
            int nearest = Enumerable.Range(0, scans.Length).Where(i => i != q).MaxBy(i => CaseEmbedding.Cosine(burned[q].Vector, pool[i]));
            float[] map = SimilarityMap.OnInputGrid(SimilarityMap.Of(burned[q], new CaseEmbedding(burned[q].Layer, pool[nearest], pool[nearest].Length, [])), burned[q], [128, 128]);
            onMarker += map.Select((v, i) => area[i] > 0 ? Math.Max(v, 0.0) : 0).Sum() / map.Sum(v => Math.Max(v, 0.0)) / scans.Length;
        }

        double shift = RetrievalEvaluation.ConfounderShift([.. plain.Select(e => e.Vector)], [.. burned.Select(e => e.Vector)]);
        return new Measures(rate, onMarker, shift, area.Count(v => v > 0) / (double)area.Length);
    }

    /// <summary>Each scan's embedding, with or without the marker area copied from a marker slice.</summary>
    private static CaseEmbedding[] Embed(OnnxModel model, string[] scans, bool burn, MedicalImage marked, float[] area)
    {
        FloatTensor inputs = FloatTensor.Concatenate([.. scans.Select(s =>
        {
            MedicalImage scan = MedicalImageReader.Read(s);
            float[] voxels = [.. scan.Voxels.Select((v, i) => burn && area[i] > 0 ? marked.Voxels[i] : v)];
            return ModelInputLoader.Prepare(scan.WithVoxels(voxels), model.InputSpec).Batch;
        })]);
        var embeddings = new CaseEmbedding[scans.Length];
        CaseEmbedding.Stream(model, inputs, null, 1L << 30, (i, e) => embeddings[i] = e);
        return embeddings;
    }
}
