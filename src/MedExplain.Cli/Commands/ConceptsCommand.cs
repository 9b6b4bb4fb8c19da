using System.CommandLine;
using System.Globalization;
using MedExplain.Cli.Concepts;
using MedExplain.Concepts;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Pipelines.Concepts;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain concepts</c>: TCAV and regression concept vectors of a model's class at chosen layers.</summary>
internal static class ConceptsCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string> model = CliOptions.Model();
        Option<string?> card = CliOptions.Card();
        Option<string> manifest = new("--concepts", "-c") { Description = "The concept manifest (.json): concepts by folder, pattern or mask, the random pool, the class's examples and measures (see docs/concepts.md; demo/concepts/concepts.json is one).", Required = true };
        Option<string> layers = new("--layers") { Description = "Comma-separated layers to probe: tensor names (a node's output, such as /stage2/relu_1/Relu_output_0) or node names (their first output; inspect lists the weighted ones).", Required = true };
        Option<string> target = new("--target") { Description = "The class whose decisions are explained: an index or a class name from the card.", Required = true };
        Option<string?> examples = new("--examples") { Description = "The class's examples (folder, pattern or file), instead of the manifest's \"examples\"." };
        Option<string> pooling = new("--pooling") { Description = "How a layer's activation becomes a vector: flatten (every value; TCAV's choice for 2D classifiers) or spatial-mean (one value per channel; for volumes, variable sizes, segmentation models).", DefaultValueFactory = _ => "flatten" };
        Option<string> measurePooling = new("--measure-pooling") { Description = "The same for the regression concept vectors of the manifest's measures; spatial-mean by default, since a regression needs fewer values than scans to generalise.", DefaultValueFactory = _ => "spatial-mean" };
        Option<string> cavLoss = new("--cav-loss") { Description = "The CAV's classifier: hinge (a linear SVM, as TCAV's reference and Captum) or logistic (logistic regression); both by scikit-learn's SGD.", DefaultValueFactory = _ => "hinge" };
        Option<int?> randomSets = new("--random-sets") { Description = $"Random sets drawn from the pool, instead of the manifest's (default {ConceptStudy.DefaultRandomSets})." };
        Option<int?> randomSize = new("--random-size") { Description = $"Scans per random set, instead of the manifest's (default {ConceptStudy.DefaultRandomSetSize})." };
        Option<double> ridge = new("--ridge") { Description = "L2 penalty of the regression concept vectors (0: least squares, minimum-norm when values outnumber scans).", DefaultValueFactory = _ => 0 };
        Option<int> seed = new("--seed") { Description = "Seeds the random sets, the CAVs' splits and shuffles, and the RCV repetitions: the same seed gives the same results.", DefaultValueFactory = _ => 0 };
        Option<long> maxMemory = CliOptions.MaxMemory();
        Option<string> output = new("--out", "-o", "--output") { Description = "The folder for concepts.json, scores.csv, measures.csv, report.html and cavs.json (the learnable CAVs, for explain --concepts).", Required = true };
        var command = new Command("concepts", "Test whether a class depends on human concepts (TCAV: concept example images against random ones, with significance) and on continuous measures such as lesion area (regression concept vectors), at chosen layers of any ONNX model, 2D or 3D.")
        {
            model, card, manifest, layers, target, examples, pooling, measurePooling, cavLoss, randomSets, randomSize, ridge, seed, maxMemory, output,
        };
        command.SetAction(result => console.Guard(() =>
        {
            string folder = result.GetValue(output)!;
            OutputLocation.CheckFolder(folder, "out", result.GetValue(manifest), result.GetValue(model));
            using IDisposable? budget = CliOptions.MemoryScope(result, maxMemory, console);
            using OnnxModel loaded = OnnxModel.Load(result.GetValue(model)!, result.GetValue(card));
            ConceptStudy study = ConceptManifest.Load(result.GetValue(manifest)!);
            if (result.GetValue(examples) is { } given)
            {
                study = study with { Examples = ConceptManifest.Scans("--examples", Directory.GetCurrentDirectory(), given, "examples") };
            }

            study = study with
            {
                RandomSets = result.GetValue(randomSets) ?? study.RandomSets,
                RandomSetSize = result.GetValue(randomSize) ?? study.RandomSetSize,
            };
            int targetClass = CliOptions.Target(result.GetValue(target)!, loaded.Card?.ClassNames) is { Classes: [int one] }
                ? one
                : throw new MedExplainParameterException("target", "must name one class (an index or a class name), not 'predicted' or a list.");
            var settings = new ConceptSettings(
                [.. result.GetValue(layers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                targetClass,
                ParsePooling(result.GetValue(pooling)!, "pooling"),
                result.GetValue(seed),
                result.GetValue(ridge),
                new AttributionOptions { MaxMemoryBytes = result.GetValue(maxMemory) })
            {
                MeasurePooling = ParsePooling(result.GetValue(measurePooling)!, "measure-pooling"),
                Cav = new CavOptions(Loss: result.GetValue(cavLoss) switch
                {
                    "hinge" => CavLoss.Hinge,
                    "logistic" => CavLoss.Logistic,
                    var other => throw new MedExplainParameterException("cav-loss", $"'{other}' is not one of: hinge, logistic."),
                }),
            };
            console.Error.WriteLine($"concepts: {study.Concepts.Count} concept(s), {study.Measures.Count} measure(s), {study.Examples.Count} example(s), {settings.Layers.Count} layer(s); {study.RandomSets} random sets of {study.RandomSetSize} from a pool of {study.RandomPool.Count}");
            ConceptResults results = new ConceptExperiment(loaded, settings, console.Progress).Run(study);
            Directory.CreateDirectory(folder);
            ConceptOutput.WriteTable(console.Out, results);
            string report = ConceptOutput.WriteFiles(results, study, loaded, folder);
            if (results.Vectors is { } vectors)
            {
                vectors.Save(Path.Combine(folder, "cavs.json"));
                console.Out.WriteLine($"CAVs: {Path.Combine(folder, "cavs.json")} (score new scans with explain --concepts)");
            }

            console.Out.WriteLine($"report: {report}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static LayerPooling ParsePooling(string text, string option) => text switch
    {
        "flatten" => LayerPooling.Flatten,
        "spatial-mean" => LayerPooling.SpatialMean,
        _ => throw new MedExplainParameterException(option, $"'{text}' is not one of: flatten, spatial-mean."),
    };
}
