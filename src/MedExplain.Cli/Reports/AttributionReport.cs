using MedExplain.Methods;

namespace MedExplain.Cli.Reports;

/// <summary>What <c>medexplain attribute</c> reports, for text and JSON output.</summary>
internal sealed record AttributionReport(
    string Model,
    string Input,
    string Output,
    string Method,
    string Shape,
    double Seconds,
    IReadOnlyList<AttributionReport.Item> Items,
    IReadOnlyList<string> Warnings)
{
    public static AttributionReport Of(string model, string input, string output, Attribution a, TimeSpan elapsed, IReadOnlyDictionary<int, string>? names = null) => new(
        model,
        input,
        output,
        a.Method,
        FloatTensor.FormatShape(a.Values.Shape),
        elapsed.TotalSeconds,
        [.. Enumerable.Range(0, a.TargetClasses.Count).Select(i => new Item(
            i,
            a.TargetClasses[i],
            a.TargetScores[i],
            Sum(a.Values.Item(i)),
            a.Diagnostics.ToDictionary(d => d.Key.Name, d => d.Value[i]),
            a.Regions?[i]?.Select(r => new Region(r.Label, names?.GetValueOrDefault(r.Label), r.Score, r.StandardError, r.Voxels)).ToList()))],
        a.Warnings);

    public void WriteText(TextWriter w)
    {
        w.WriteLine($"{Method} on {Input}: attribution {Shape} written to {Output} in {Seconds:0.00} s");
        foreach (string warning in Warnings)
        {
            w.WriteLine($"  warning: {warning}");
        }

        foreach (Item item in Items)
        {
            string extra = string.Concat(item.Diagnostics.Select(d => $", {d.Key} {d.Value:G4}"));
            string target = item.TargetClass >= 0 ? $"class {item.TargetClass} (score {item.TargetScore:G5})" : $"mask target (Σ mask ⊙ output {item.TargetScore:G5})";
            w.WriteLine($"  [{item.Index}] {target}: sum of attribution {item.AttributionSum:G5}{extra}");
            if (item.Regions is { } regions)
            {
                // Ranked by score, the table a clinician reads first: which regions moved the score, and how surely.
                w.WriteLine($"      {"region",8} {"name",-24} {"score",12} {"std. error",12} {"voxels",8}");
                foreach (Region region in regions.OrderByDescending(r => r.Score))
                {
                    string error = region.StandardError is double e ? e.ToString("G4") : "-";
                    w.WriteLine($"      {region.Label,8} {region.Name ?? "-",-24} {region.Score,12:G5} {error,12} {region.Voxels,8}");
                }
            }
        }
    }

    private static double Sum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        return sum;
    }

    internal sealed record Item(int Index, int TargetClass, float TargetScore, double AttributionSum, IReadOnlyDictionary<string, float> Diagnostics, IReadOnlyList<Region>? Regions);

    internal sealed record Region(int Label, string? Name, double Score, double? StandardError, int Voxels);
}
