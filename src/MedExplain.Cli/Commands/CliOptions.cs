using MedExplain.Batching;
using System.CommandLine;
using MedExplain.Methods;
using MedExplain.Prediction;

namespace MedExplain.Cli.Commands;

/// <summary>Options several commands share, spelled and described once.</summary>
internal static class CliOptions
{
    public static Option<string> Model() => new("--model", "-m")
    {
        Description = "The ONNX model file; its card is read from NAME.card.json beside it.",
        Required = true,
    };

    public static Option<string?> Card() => new("--card")
    {
        Description = "A model card to use instead of the one beside the model.",
    };

    public static Argument<string> ScanArgument() => new("input")
    {
        Description = "The scan: " + MedExplain.Imaging.MedicalImageReader.SupportedFormats + ".",
    };

    public static Option<string?> Series() => new("--series")
    {
        Description = "The Series Instance UID to read when a DICOM folder holds several series.",
    };

    public static Option<int> Volume() => new("--volume")
    {
        Description = "The volume of a 4D NIfTI file, or of an enhanced multi-frame DICOM file with several stacks or time points, to read, counting from 0.",
        DefaultValueFactory = _ => 0,
    };

    /// <summary>The method a wrapper (the SmoothGrad family, Integrated Gradients) runs on its copies or path points.</summary>
    public static Option<string?> Over() => new("--over")
    {
        Description = "The SmoothGrad family: the single-pass method averaged over noisy copies (" +
                      string.Join(", ", MedExplain.Methods.AttributionMethods.Descriptors.Where(d => d.IsSinglePass).Select(d => d.Name)) +
                      "); integrated-gradients: the modified gradient integrated along the path (" +
                      string.Join(", ", MedExplain.Methods.AttributionMethods.Descriptors.Where(d => d.IsModifiedGradient).Select(d => d.Name)) +
                      "). Default: the gradient.",
    };

    /// <summary>The methods grouped by family, for help texts.</summary>
    public static string MethodsByFamily(IEnumerable<string>? only = null) => string.Join("; ", MedExplain.Methods.AttributionMethods.Descriptors
        .Where(d => only is null || only.Contains(d.Name))
        .GroupBy(d => d.Family)
        .OrderBy(g => g.Key)
        .Select(g => $"{FamilyName(g.Key)}: {string.Join(", ", g.Select(d => d.Name))}"));

    private static string FamilyName(MedExplain.Methods.MethodFamily family) => family switch
    {
        MedExplain.Methods.MethodFamily.Gradient => "gradients",
        MedExplain.Methods.MethodFamily.PathIntegral => "path integrals",
        MedExplain.Methods.MethodFamily.NoiseTunnel => "noise tunnels",
        MedExplain.Methods.MethodFamily.ClassActivation => "class activation maps",
        MedExplain.Methods.MethodFamily.Propagation => "propagation rules",
        MedExplain.Methods.MethodFamily.Attention => "attention (vision transformers)",
        _ => "perturbations",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print machine-readable JSON instead of text.",
    };

    public static Option<long> MaxMemory() => new("--max-memory")
    {
        Description = "Memory the whole run may take, e.g. 512MB or 2GB; batches are sized to fit what is left of it.",
        DefaultValueFactory = _ => PredictorOptions.DefaultMemoryBudgetBytes,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (ByteSize.TryParse(text, out long bytes))
            {
                return bytes;
            }

            result.AddError($"--max-memory: '{text}' is not a size such as 512MB, 2GB or 1.5GiB.");
            return 0;
        },
    };

    /// <summary>--target: "predicted", indices, or the card's class names.</summary>
    public static ClassTarget Target(string text, IReadOnlyList<string>? classNames) =>
        ClassTarget.Parse(text, classNames) ?? throw new MedExplainParameterException("target",
            $"'{text}' is not 'predicted', a class index, a comma-separated list of them{(classNames is { Count: > 0 } ? $", or a class name ({string.Join(", ", classNames)}).{NameSuggestion.For(text, classNames)}" : ".")}");

    /// <summary>A count that must be 1 or more (items, scans).</summary>
    public static int AtLeastOne(int value, string parameter) =>
        value >= 1 ? value : throw new MedExplainParameterException(parameter, $"must be 1 or more, not {value}.");

    /// <summary>The memory limit of a command's reads: --max-memory when the user gave it (refused beyond what the machine
    /// has), else the library's default share of the machine. Dispose it when the command ends: a budget the user gave
    /// that the work could not keep is then named in a warning.</summary>
    public static IDisposable? MemoryScope(ParseResult result, Option<long> maxMemory, CliConsole console) =>
        result.GetResult(maxMemory) is { Implicit: false } ? new RequestedBudget(result.GetValue(maxMemory), console.Error) : null;

    /// <summary>A budget the user asked for: the read limit, and a watch on the batches planned under it.</summary>
    private sealed class RequestedBudget(long bytes, TextWriter error) : IDisposable
    {
        private readonly IDisposable _limit = MemoryLimit.Use(bytes);
        private readonly MemoryBudget.BudgetWatch _watch = MemoryBudget.Watch();

        public void Dispose()
        {
            _watch.Dispose();
            _limit.Dispose();
            if (_watch.Shortfall is { } shortfall)
            {
                error.WriteLine($"warning: {shortfall}");
            }
        }
    }

    /// <summary>Parses "8", "4,8,8" or "10mm" into voxels per spatial axis (array order); millimetres use the model grid's spacing.</summary>
    /// <param name="text">The option's text, or null.</param>
    /// <param name="option">The option's name, for messages.</param>
    /// <param name="rank">The number of spatial axes.</param>
    /// <param name="spacing">Millimetres per voxel in array order, or null when the input has no geometry (1 mm assumed).</param>
    public static int[]? Sizes(string? text, string option, int rank, IReadOnlyList<double>? spacing) =>
        text is null ? null : MedExplain.Pipelines.Extent.Parse(text, option.TrimStart('-')).ToVoxels(rank, spacing, option.TrimStart('-'));
}
