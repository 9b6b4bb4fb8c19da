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
    public static Command Create(CliConsole console)
    {
        Option<string> model = CliOptions.Model();
        Option<string?> card = CliOptions.Card();
        Option<string> input = new("--input", "-i") { Description = $"The query scan: {MedicalImageReader.SupportedFormats}.", Required = true };
        Option<string> indexFolder = new("--index") { Description = "The case index (made by index with the same model).", Required = true };
        Option<int> k = new("--k") { Description = "How many cases.", DefaultValueFactory = _ => 5 };
        Option<string?> label = new("--label") { Description = "Only cases with this label." };
        Option<string?> output = new("--out", "-o", "--output") { Description = "A folder for similar.png: the query beside each case, with where each makes them alike (the cosine similarity split over the positions of the layer, mapped onto each scan)." };
        Option<string?> region = new("--region") { Description = "A mask on the query scan's grid: compare only what the model sees inside it (the query's embedding pools there alone)." };
        Option<bool> json = CliOptions.Json();
        Option<long> maxMemory = CliOptions.MaxMemory();
        var command = new Command("similar", "Find the reference cases most like a scan (cosine similarity of the model's embeddings), with their labels, and show which parts of each scan make them alike.")
        {
            model, card, input, indexFolder, k, label, region, output, json, maxMemory,
        };
        command.SetAction(result => console.Guard(() =>
        {
            using OnnxModel loaded = OnnxModel.Load(result.GetValue(model)!, result.GetValue(card));
            string folder = result.GetValue(indexFolder)!;
            CaseIndex index = CaseIndex.Open(folder, loaded);
            string scan = result.GetValue(input)!;
            SimilarCasesResult found = SimilarCases.Find(loaded, index, scan, CliOptions.AtLeastOne(result.GetValue(k), "k"), result.GetValue(label), result.GetValue(maxMemory), result.GetValue(region));
            string? figure = null;
            if (result.GetValue(output) is { } outFolder)
            {
                Directory.CreateDirectory(outFolder);
                figure = Path.Combine(outFolder, "similar.png");
                SimilarCasesFigure.Of(found).Save(figure);
            }
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
}
