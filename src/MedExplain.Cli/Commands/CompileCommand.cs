using System.CommandLine;
using Google.Protobuf;
using MedExplain.Methods;
using MedExplain.Onnx;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain compile</c>: save a method's explanation graph as a standalone ONNX model.</summary>
internal static class CompileCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string> model = CliOptions.Model();
        Option<string?> card = CliOptions.Card();
        Option<string> method = new("--method") { Description = $"The method: {string.Join(", ", ExplanationGraphExport.Methods)}.", Required = true };
        Option<int> steps = new("--steps") { Description = $"Integrated Gradients: number of path points inside the graph, 1 to {AttributionOptions.MaxSteps}.", DefaultValueFactory = _ => 32 };
        Option<string?> over = CliOptions.Over();
        Option<int> batch = new("--batch") { Description = $"The batch size the saved graph takes (its shapes are fixed), 1 to {ExplanationGraphExport.MaxBatch}.", DefaultValueFactory = _ => 1 };
        Option<string> output = new("--out", "-o", "--output") { Description = "The ONNX file to write.", Required = true };
        var command = new Command("compile", "Save a method's explanation graph as one ONNX model mapping (input, seed) to (model outputs, attribution), runnable in any ONNX Runtime.")
        {
            model, card, method, steps, over, batch, output,
        };
        command.SetAction(result => console.Guard(() =>
        {
            OutputLocation.CheckFile(result.GetValue(output)!, "out", result.GetValue(model), result.GetValue(card));
            using OnnxModel loaded = OnnxModel.Load(result.GetValue(model)!, result.GetValue(card));
            int size = result.GetValue(batch);
            ExplanationGraphExport.ValidateBatch(size);
            int[] shape = loaded.InputShapeFor(size) ?? throw new MedExplainInputException(loaded.FilePath, "the model leaves its spatial size open and has no card to fix it; write a model card.");
            var graph = ExplanationGraphExport.Export(loaded, result.GetValue(method)!, shape, new AttributionOptions { Steps = result.GetValue(steps), Over = result.GetValue(over) });
            string path = result.GetValue(output)!;
            AtomicFile.WriteAllBytes(path, graph.ToByteArray());
            console.Out.WriteLine($"{path}: {result.GetValue(method)} graph for input {FloatTensor.FormatShape(shape)}; " +
                                  $"inputs {string.Join(", ", graph.Graph.Input.Select(i => $"'{i.Name}'"))}, " +
                                  $"outputs {string.Join(", ", graph.Graph.Output.Select(o => $"'{o.Name}'"))}; {graph.Graph.Node.Count} nodes.");
            return ExitCodes.Success;
        }));
        return command;
    }
}
