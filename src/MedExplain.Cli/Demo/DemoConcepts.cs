using System.Globalization;
using MedExplain.Batching;
using MedExplain.Cli.Concepts;
using MedExplain.Onnx;
using MedExplain.Pipelines.Concepts;

namespace MedExplain.Cli.Demo;

/// <summary>
/// The demo's concept check on the 2D models: does the class depend on the burned-in marker, on the lesion, on lesion
/// area (TCAV and a regression concept vector at the last residual block, with demo/concepts/)?
/// </summary>
internal static class DemoConcepts
{
    /// <summary>The last residual block of the 2D demo architecture.</summary>
    public const string Layer = "/stage2/relu_1/Relu_output_0";

    /// <summary>The class each 2D model's concepts are scored for.</summary>
    private static readonly Dictionary<string, string> Classes = new() { ["brain-lesion-2d"] = "tumour", ["shortcut-marker-2d"] = "lesion" };

    /// <summary>Runs the study for a 2D demo model, prints one line per concept and measure, writes the concept report;
    /// returns its path and a sentence for the overview, or nulls for a model without concepts.</summary>
    public static (string? Report, string? Summary) Run(CliConsole console, OnnxModel model, string modelName, string demoFolder, string outFolder)
    {
        string manifest = Path.Combine(demoFolder, "concepts", "concepts.json");
        int target = Classes.TryGetValue(modelName, out string? className) && model.Card is { } card ? card.ClassNames.ToList().IndexOf(className) : -1;
        if (target < 0 || className is null || !File.Exists(manifest))
        {
            return (null, null);
        }

        ConceptStudy study = ConceptManifest.Load(manifest);
        console.Out.WriteLine($"   does '{className}' depend on human concepts? (TCAV, {study.RandomSets} random sets of {study.RandomSetSize}, at {Layer})");
        ConceptResults results = new ConceptExperiment(model, new ConceptSettings([Layer], target), stage => console.Progress($"concepts {stage}")).Run(study);
        string folder = Path.Combine(outFolder, "concepts-" + modelName);
        Directory.CreateDirectory(folder);
        string report = ConceptOutput.WriteFiles(results, study, model, folder);
        var parts = new List<string>();
        foreach (ConceptScore score in results.Scores)
        {
            string line = string.Create(CultureInfo.InvariantCulture, $"{score.Concept}: TCAV score {ConceptOutput.Scored(score)}, corrected p {ConceptOutput.P(score.CorrectedP)}: {ConceptOutput.Verdict(score, className)}");
            console.Out.WriteLine("   " + line);
            parts.Add(line);
        }

        foreach (MeasureRelevance measure in results.Measures)
        {
            string line = string.Create(CultureInfo.InvariantCulture, $"{measure.Measure}: the layer predicts it with cross-validated R² {measure.R2:0.00}{(measure.Relevance.Relevance is double br && measure.R2 > 0 ? $", Br {br:0.00}" : string.Empty)}");
            console.Out.WriteLine("   " + line);
            parts.Add(line);
        }

        console.Out.WriteLine($"   concept report: {report}");
        return (report, $"Concepts ({modelName}, class {className}, {Layer}): {string.Join("; ", parts)}.");
    }
}
