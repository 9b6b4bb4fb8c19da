using System.Diagnostics;
using System.Text.Json;

namespace MedExplain.Models;

/// <summary>Reads and validates a model card (<c>name.card.json</c>); every problem names the file and the field.</summary>
public static class ModelCardReader
{
    /// <summary>The suffix that, in place of <c>.onnx</c>, names a model's card.</summary>
    public const string Suffix = ".card.json";

    private const int MaxCardBytes = 1 << 20;
    private static readonly string[] TopLevelFields =
        ["schemaVersion", "name", "description", "input", "output", "classNames", "camLayer", "tokens", "dropout", "recommendedMethods", "evaluation", "training"];

    private static readonly string[] AxisPairs = ["RL", "AP", "SI"];

    private static readonly string[] InputFields = ["name", "layout", "channels", "spatialSize", "normalization", "orientation"];

    /// <summary>The card path for a model path: <c>dir/model.onnx</c> → <c>dir/model.card.json</c>.</summary>
    /// <param name="modelPath">The model file.</param>
    public static string CardPathFor(string modelPath) =>
        Path.Combine(Path.GetDirectoryName(modelPath) ?? string.Empty, Path.GetFileNameWithoutExtension(modelPath) + Suffix);

    /// <summary>Reads a card file.</summary>
    /// <param name="path">The card file.</param>
    /// <exception cref="MedExplainInputException">The file is missing, not JSON, or breaks the schema.</exception>
    public static ModelCard Read(string path)
    {
        byte[] bytes = BoundedFile.ReadUtf8(path, MaxCardBytes, "model card");
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return Parse(new JsonFields(path, document.RootElement, string.Empty));
        }
        catch (JsonException e)
        {
            throw new MedExplainInputException(path, $"model card is not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
    }

    private static ModelCard Parse(JsonFields root)
    {
        root.RejectUnknown(TopLevelFields);
        int version = root.RequiredInt("schemaVersion");
        if (version != 1)
        {
            throw root.Error("schemaVersion", $"is {version}; this version of MedExplain reads schema version 1");
        }

        JsonFields input = root.RequiredObject("input");
        input.RejectUnknown(InputFields);
        InputLayout layout = input.RequiredString("layout") switch
        {
            "NCHW" => InputLayout.NCHW,
            "NCDHW" => InputLayout.NCDHW,
            string other => throw input.Error("layout", $"is \"{other}\"; use \"NCHW\" (2D) or \"NCDHW\" (3D)"),
        };
        int[] spatial = input.RequiredIntArray("spatialSize");
        int expectedRank = layout == InputLayout.NCHW ? 2 : 3;
        if (spatial.Length != expectedRank || spatial.Any(s => s < 1))
        {
            throw input.Error("spatialSize", $"must list {expectedRank} positive sizes for layout {layout}");
        }

        int channels = input.RequiredInt("channels");
        if (channels < 1)
        {
            throw input.Error("channels", "must be at least 1");
        }

        // One item must fit one array: a card is also what sizes the inputs of models with open dimensions.
        if (spatial.Aggregate((long)channels, (product, size) => Math.Min(product * size, long.MaxValue / 65536)) > Array.MaxLength)
        {
            throw input.Error("spatialSize", $"makes one input item of {channels} × {string.Join(" × ", spatial)} values, more than one array holds ({Array.MaxLength})");
        }

        string[] classes = root.RequiredStringArray("classNames");
        if (classes.Length == 0 || classes.Any(string.IsNullOrWhiteSpace) || classes.Distinct().Count() != classes.Length)
        {
            throw root.Error("classNames", "must list one distinct, non-empty name per output class");
        }

        JsonFields? output = root.OptionalObject("output");
        output?.RejectUnknown(["name", "kind"]);
        string outputKind = output?.OptionalString("kind") ?? "logits";
        if (outputKind is not ("logits" or "probabilities"))
        {
            throw output!.Error("kind", $"is \"{outputKind}\"; use \"logits\" or \"probabilities\"");
        }

        return new ModelCard
        {
            SourcePath = root.Path,
            Name = root.RequiredString("name"),
            Description = root.OptionalString("description") ?? string.Empty,
            InputName = input.OptionalString("name"),
            Layout = layout,
            Channels = channels,
            SpatialSize = spatial,
            Normalization = ParseNormalization(input.OptionalObject("normalization")),
            Orientation = ParseOrientation(input),
            OutputName = output?.OptionalString("name"),
            OutputIsProbabilities = outputKind == "probabilities",
            ClassNames = classes,
            CamLayer = root.OptionalString("camLayer"),
            RecommendedMethods = root.OptionalStringArray("recommendedMethods") ?? [],
            Tokens = ParseTokens(root.OptionalObject("tokens"), expectedRank),
            Dropout = ParseDropout(root.OptionalObject("dropout")),
            Evaluation = root.OptionalObject("evaluation")?.NumbersOnly() ?? new Dictionary<string, double>(),
        };
    }

    private static DropoutSite? ParseDropout(JsonFields? dropout)
    {
        if (dropout is null)
        {
            return null;
        }

        dropout.RejectUnknown(["at", "rate"]);
        double rate = dropout.RequiredDouble("rate");
        return rate is >= 0 and < 1
            ? new DropoutSite(dropout.RequiredString("at"), rate)
            : throw dropout.Error("rate", $"is {rate}; a dropout probability is from 0 to below 1");
    }

    private static TokenLayout? ParseTokens(JsonFields? tokens, int spatialRank)
    {
        if (tokens is null)
        {
            return null;
        }

        tokens.RejectUnknown(["prefix", "grid"]);
        int prefix = tokens.RequiredInt("prefix");
        int[] grid = tokens.RequiredIntArray("grid");
        if (prefix < 0)
        {
            throw tokens.Error("prefix", "must be 0 or more (the tokens before the patches: class, distillation, registers)");
        }

        if (grid.Length != spatialRank || grid.Any(g => g < 1))
        {
            throw tokens.Error("grid", $"must list {spatialRank} positive sizes, the patch grid over the input's spatial axes");
        }

        return new TokenLayout(prefix, grid);
    }

    /// <summary>Three letters, one per array axis from the fastest (W, H, then D): where each axis points in the patient.</summary>
    private static string? ParseOrientation(JsonFields input)
    {
        string? codes = input.OptionalString("orientation");
        if (codes is null)
        {
            return null;
        }

        string upper = codes.ToUpperInvariant();
        bool valid = upper.Length == 3 && upper.All(c => "RLAPSI".Contains(c, StringComparison.Ordinal))
            && AxisPairs.All(pair => upper.Count(pair.Contains) == 1);
        return valid ? upper : throw input.Error("orientation", $"is \"{codes}\"; give three letters such as \"RAS\" or \"RPS\": one of R/L, A/P, S/I for each axis W, H, D");
    }

    private static IntensityNormalization ParseNormalization(JsonFields? fields)
    {
        if (fields is null)
        {
            return IntensityNormalization.None;
        }

        fields.RejectUnknown(["kind", "mean", "std", "center", "width"]);
        switch (fields.RequiredString("kind"))
        {
            case "none":
                return IntensityNormalization.None;
            case "minmax":
                return new IntensityNormalization(NormalizationKind.MinMax);
            case "zscore":
                double? mean = fields.OptionalDouble("mean");
                double? std = fields.OptionalDouble("std");
                if (mean.HasValue != std.HasValue)
                {
                    throw fields.Error("mean", "and \"std\" go together: give both for fixed statistics, or neither for per-image z-scores");
                }

                if (std is <= 0)
                {
                    throw fields.Error("std", "must be greater than 0");
                }

                return new IntensityNormalization(NormalizationKind.ZScore, mean, std);
            case "window":
                double center = fields.RequiredDouble("center");
                double width = fields.RequiredDouble("width");
                if (width <= 0)
                {
                    throw fields.Error("width", $"is {width}; a window width must be greater than 0");
                }

                return new IntensityNormalization(NormalizationKind.Window, Center: center, Width: width);
            case string other:
                throw fields.Error("kind", $"is \"{other}\"; use \"none\", \"zscore\", \"minmax\" or \"window\"");
        }

        throw new UnreachableException();
    }
}
