using System.CommandLine;
using MedExplain.Cli.Commands;

namespace MedExplain.Cli;

/// <summary>The <c>medexplain</c> command line: parses, dispatches, and turns failures into exit codes.</summary>
internal static class MedExplainCli
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var console = new CliConsole(output, error);
        var root = new RootCommand("MedExplain: explain the decisions of medical-imaging models (ONNX) on DICOM, NIfTI, PNG/JPEG and NPY scans.")
        {
            DemoCommand.Create(console),
            InspectCommand.Create(console),
            PredictCommand.Create(console),
            AttributeCommand.Create(console),
            CompileCommand.Create(console),
            ExplainCommand.Create(console),
            EvaluateCommand.Create(console),
            FitPatternsCommand.Create(console),
            ImageInfoCommand.Create(console),
            ConvertCommand.Create(console),
            ConceptsCommand.Create(console),
            IndexCommand.Create(console),
            SimilarCommand.Create(console),
            StudyCommand.Create(console),
            ServeCommand.Create(console),
            BatchCommand.Create(console),
            ClusterCommand.Create(console),
        };

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError parseError in parsed.Errors)
            {
                error.WriteLine($"error: {parseError.Message}");
            }

            error.WriteLine("Run 'medexplain --help' or 'medexplain COMMAND --help' for usage.");
            return ExitCodes.BadInput;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }
}
