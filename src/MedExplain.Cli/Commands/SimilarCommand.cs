using System.CommandLine;
using System.Globalization;
using MedExplain.Cli.Reports;
using MedExplain.Imaging;
using MedExplain.Imaging.Rendering;
using MedExplain.Onnx;
using MedExplain.Pipelines.Cases;
using SkiaSharp;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain similar</c>: a scan's nearest reference cases in an index, with where they are alike.</summary>
internal static class SimilarCommand
{
    private const int TileSize = 192;

    public static Command Create(CliConsole console)
    {
        Option<string> model = CliOptions.Model();
        Option<string?> card = CliOptions.Card();
        Option<string> input = new("--input", "-i") { Description = $"The query scan: {MedicalImageReader.SupportedFormats}.", Required = true };
        Option<string> indexFolder = new("--index") { Description = "The case index (made by index with the same model).", Required = true };
        Option<int> k = new("--k") { Description = "How many cases.", DefaultValueFactory = _ => 5 };
        Option<string?> label = new("--label") { Description = "Only cases with this label." };
        Option<string?> output = new("--out", "-o", "--output") { Description = "A folder for similar.png: the query beside each case, with where each makes them alike (the cosine similarity split over the positions of the layer, mapped onto each scan)." };
        Option<bool> json = CliOptions.Json();
        Option<long> maxMemory = CliOptions.MaxMemory();
        var command = new Command("similar", "Find the reference cases most like a scan (cosine similarity of the model's embeddings), with their labels, and show which parts of each scan make them alike.")
        {
            model, card, input, indexFolder, k, label, output, json, maxMemory,
        };
        command.SetAction(result => console.Guard(() =>
        {
            using OnnxModel loaded = OnnxModel.Load(result.GetValue(model)!, result.GetValue(card));
            string folder = result.GetValue(indexFolder)!;
            if (!File.Exists(Path.Combine(folder, "index.json")))
            {
                throw new MedExplainInputException(folder, "holds no case index (index.json); build one with index.");
            }

            CaseIndex index = CaseIndex.OpenOrCreate(folder, loaded);
            string scan = result.GetValue(input)!;
            SimilarCasesResult found = SimilarCases.Find(loaded, index, scan, CliOptions.AtLeastOne(result.GetValue(k), "k"), result.GetValue(label), result.GetValue(maxMemory));
            string? figure = result.GetValue(output) is { } outFolder ? Figure(found, scan, outFolder) : null;
            if (result.GetValue(json))
            {
                JsonOutput.Write<object>(console.Out, new
                {
                    query = scan,
                    layer = found.Layer,
                    cases = found.Cases.Select(c => new { rank = found.Cases.ToList().IndexOf(c) + 1, scan = c.Match.Case.Scan, label = c.Match.Case.Label, similarity = c.Match.Similarity, mapped = c.CaseMap is not null }),
                    figure,
                });
                return ExitCodes.Success;
            }

            console.Out.WriteLine($"{scan}: the {found.Cases.Count} most similar of {index.Cases.Count} cases (cosine similarity at {found.Layer})");
            for (int i = 0; i < found.Cases.Count; i++)
            {
                SimilarCase c = found.Cases[i];
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {i + 1,2}. {c.Match.Similarity,7:0.0000}  {c.Match.Case.Label ?? "-",-10}  {c.Match.Case.Scan}{(c.CaseMap is null ? "  (scan moved or changed since indexed: no map)" : string.Empty)}"));
            }

            foreach (IGrouping<string, SimilarCase> group in found.Cases.GroupBy(c => c.Match.Case.Label ?? "unlabelled").OrderByDescending(g => g.Count()))
            {
                console.Out.WriteLine($"  {group.Count()} of {found.Cases.Count} labelled {group.Key}");
            }

            if (figure is not null)
            {
                console.Out.WriteLine($"wrote {figure}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>One row per case: the query with where it is like the case, the case, and the case with where it is like
    /// the query; one colour scale for every map, so rows compare.</summary>
    private static string Figure(SimilarCasesResult found, string scan, string folder)
    {
        float[][] maps = [.. found.Cases.SelectMany(c => c.CaseMap is null ? [c.QueryMap] : new[] { c.QueryMap, c.CaseMap })];
        var scale = ColourScale.Of(maps, carriesSign: maps.Any(m => m.Any(v => v < 0)));
        var figure = new PanelFigure($"cases most like {Path.GetFileName(scan)} ({scale.Range})", ["query: like this case", "the case", "case: like the query"]);
        var queryRenderer = new MapRenderer(found.Query.Scan, null, TileSize);
        foreach (SimilarCase c in found.Cases)
        {
            var tiles = new List<SKBitmap> { queryRenderer.RenderMap(c.QueryMap, scale, queryRenderer.Focus(c.QueryMap), [Plane.Axial]) };
            if (c.Scan is { } other && c.CaseMap is { } caseMap)
            {
                var renderer = new MapRenderer(other, null, TileSize);
                (int X, int Y, int Z) at = renderer.Focus(caseMap);
                tiles.Add(renderer.RenderScan(at, [Plane.Axial]));
                tiles.Add(renderer.RenderMap(caseMap, scale, at, [Plane.Axial]));
            }

            figure.AddRow(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(c.Match.Case.Scan)}\n{c.Match.Case.Label ?? "unlabelled"}\ncosine {c.Match.Similarity:0.000}"), tiles);
        }

        figure.Notes.Add(queryRenderer.ConventionNote);
        figure.Notes.Add("Each map is the cosine similarity split over the layer's positions (it sums to the cosine), upsampled onto the scan.");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "similar.png");
        figure.Save(path);
        return path;
    }
}
