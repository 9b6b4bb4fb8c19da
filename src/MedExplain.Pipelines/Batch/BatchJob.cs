using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MedExplain.Imaging;
using MedExplain.Methods;

namespace MedExplain.Pipelines.Batch;

/// <summary>One unit of a batch: one method's map of one scan.</summary>
/// <param name="Key">The item's identity: a hash of the tool version, the model's and the scan's contents, the method, the
/// parameters the method reads and the output's name. The same key means the same output, so a re-run skips it; any
/// change re-runs it.</param>
/// <param name="Scan">The scan's path.</param>
/// <param name="Method">The method.</param>
/// <param name="Output">The map's file, relative to the job's output folder.</param>
public sealed record WorkItem(string Key, string Scan, string Method, string Output);

/// <summary>
/// A batch job: scans × methods with fixed parameters, explained by one model, and optionally × metrics: each map is then
/// evaluated as <c>evaluate</c> does, with the lesion mask, atlas labels and confounder mask beside its scan
/// (NAME-mask.*, NAME-regions.*, NAME-confounder.*). Parameters are <c>steps</c>, <c>samples</c>, <c>noise</c> and
/// <c>seed</c> for the maps, <c>curve-steps</c> and <c>repeats</c> for the metrics; <c>METHOD.NAME</c> sets one for that
/// method alone, so changing it re-runs only that method's items.
/// </summary>
/// <param name="Model">The model.</param>
/// <param name="Card">Its card, or null.</param>
/// <param name="Scans">The scans (files or DICOM series folders).</param>
/// <param name="Methods">The methods.</param>
/// <param name="Parameters">The parameters, by name or METHOD.NAME.</param>
public sealed record BatchJob(string Model, string? Card, IReadOnlyList<string> Scans, IReadOnlyList<string> Methods, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>The parameters a job may set.</summary>
    public static readonly IReadOnlyList<string> KnownParameters = ["steps", "samples", "noise", "seed", "curve-steps", "repeats"];

    /// <summary>The parameters of the metrics, not of the maps: they enter an item's key only when the job has metrics.</summary>
    private static readonly string[] MetricParameters = ["curve-steps", "repeats"];

    /// <summary>Gets the metrics each map is evaluated with (<see cref="EvaluationMetrics"/> names); none: maps only.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = [];

    /// <summary>Gets the version that enters every key: outputs of another version are not taken for this one's.</summary>
    public static string ToolVersion { get; } =
        typeof(BatchJob).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>Reads a job file: JSON with model, card?, scans (files or folders, relative to the file), methods and
    /// parameters.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="MedExplainInputException">A missing or malformed file, or one naming what does not exist.</exception>
    public static BatchJob Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        try
        {
            using JsonDocument document = JsonDocument.Parse(BoundedFile.ReadUtf8(path, 16 << 20, "batch job"));
            JsonElement root = document.RootElement;
            string Resolve(string relative) => Path.GetFullPath(Path.Combine(folder, relative));
            string[] scans = [.. root.GetProperty("scans").EnumerateArray().Select(s => Resolve(s.GetString() ?? string.Empty))];
            var parameters = root.TryGetProperty("parameters", out JsonElement p)
                ? p.EnumerateObject().ToDictionary(e => e.Name, e => e.Value.ValueKind == JsonValueKind.String ? e.Value.GetString()! : e.Value.GetRawText(), StringComparer.Ordinal)
                : [];
            var job = new BatchJob(
                Resolve(root.GetProperty("model").GetString() ?? string.Empty),
                root.TryGetProperty("card", out JsonElement card) && card.GetString() is { } c ? Resolve(c) : null,
                scans,
                [.. root.GetProperty("methods").EnumerateArray().Select(m => m.GetString() ?? string.Empty)],
                parameters)
            {
                Metrics = root.TryGetProperty("metrics", out JsonElement metrics) ? [.. metrics.EnumerateArray().Select(m => m.GetString() ?? string.Empty)] : [],
            };
            job.Check(path);
            return job;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new MedExplainInputException(path, $"is not a batch job ({e.Message}); see docs/batch.md for its fields.");
        }
    }

    /// <summary>Checks what the job names exists and its parameters are known numbers.</summary>
    /// <param name="source">The job's file or option, for errors.</param>
    /// <exception cref="MedExplainInputException">Something missing or malformed.</exception>
    public void Check(string source)
    {
        string? missing = new[] { Model, Card }.OfType<string>().Concat(Scans).FirstOrDefault(p => !File.Exists(p) && !Directory.Exists(p));
        if (missing is not null)
        {
            throw new MedExplainInputException(source, $"names {missing}, which does not exist.");
        }

        if (Methods.Count == 0)
        {
            throw new MedExplainInputException(source, "names no methods.");
        }

        if (Methods.FirstOrDefault(m => !AttributionMethods.Names.Contains(m)) is { } unknown)
        {
            throw new MedExplainInputException(source, $"names the method \"{unknown}\"; known: {string.Join(", ", AttributionMethods.Names)}.");
        }

        foreach ((string name, string value) in Parameters)
        {
            string bare = name.Contains('.', StringComparison.Ordinal) ? name[(name.LastIndexOf('.') + 1)..] : name;
            if (!KnownParameters.Contains(bare) || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                throw new MedExplainInputException(source, $"sets the parameter {name} = {value}: parameters are {string.Join(", ", KnownParameters)} (or METHOD.NAME), each a number.");
            }
        }

        CheckMetrics(source);
    }

    /// <summary>The metrics must be known, computable one scan at a time, and given what they need.</summary>
    private void CheckMetrics(string source)
    {
        try
        {
            foreach (string method in Methods)
            {
                EvaluationSettings settings = EvaluationSettingsFor(method);
                settings.Validate();
                if (settings.Metrics.FirstOrDefault(m => m.Needs == MetricNeeds.ShuffledLabelsModel) is { } shuffled)
                {
                    throw new MedExplainInputException(source, $"names the metric {shuffled.Name}, which needs a model trained on shuffled labels; batch jobs take one model (run evaluate for it).");
                }

                if (settings.Repeats < 2 && settings.Metrics.FirstOrDefault(m => m.Needs == MetricNeeds.SecondRun) is { } repeated)
                {
                    throw new MedExplainInputException(source, $"names the metric {repeated.Name}, which compares repeated runs: set the parameter repeats to 2 or more{(Methods.Count > 1 ? $" (for {method})" : string.Empty)}.");
                }
            }
        }
        catch (MedExplainParameterException e)
        {
            throw new MedExplainInputException(source, $"sets {e.Parameter}: {e.Problem}");
        }
    }

    /// <summary>How <paramref name="method"/>'s maps are evaluated: the job's metrics with its curve-steps (default 20)
    /// and repeats (default 1), on the method's own options.</summary>
    /// <param name="method">The method.</param>
    /// <exception cref="MedExplainParameterException">A metric is unknown.</exception>
    public EvaluationSettings EvaluationSettingsFor(string method)
    {
        SortedDictionary<string, string> p = ParametersOf(method);
        int Number(string name, int fallback) => p.TryGetValue(name, out string? v) ? (int)double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new EvaluationSettings([method], [.. Metrics.Select(EvaluationMetrics.Get)], Number("curve-steps", 20), Number("repeats", 1), [], null, false, OptionsFor(method));
    }

    /// <summary>The scan with the masks and atlas labels beside it, which its metrics use.</summary>
    /// <param name="scan">A scan of the job (a file, or a DICOM series folder).</param>
    public static EvaluationItem EvaluationItemOf(string scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        string folder = Path.GetDirectoryName(Path.GetFullPath(scan).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))!;
        return new EvaluationItem(scan, ScanFolder.Companion(scan, folder, "-mask"), ScanFolder.Companion(scan, folder, "-regions"), ScanFolder.Companion(scan, folder, "-confounder"));
    }

    /// <summary>The parameters <paramref name="method"/> runs with: the job's, overridden by its own METHOD.NAME ones.</summary>
    /// <param name="method">The method.</param>
    public SortedDictionary<string, string> ParametersOf(string method)
    {
        var own = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, string value) in Parameters.Where(p => !p.Key.Contains('.', StringComparison.Ordinal)))
        {
            own[name] = value;
        }

        foreach ((string name, string value) in Parameters.Where(p => p.Key.StartsWith(method + ".", StringComparison.Ordinal)))
        {
            own[name[(method.Length + 1)..]] = value;
        }

        return own;
    }

    /// <summary>The attribution options <paramref name="method"/> runs with.</summary>
    /// <param name="method">The method.</param>
    public AttributionOptions OptionsFor(string method)
    {
        SortedDictionary<string, string> p = ParametersOf(method);
        double Number(string name, double fallback) => p.TryGetValue(name, out string? v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var defaults = new AttributionOptions();
        return defaults with
        {
            Steps = (int)Number("steps", defaults.Steps),
            Samples = (int)Number("samples", defaults.Samples),
            Noise = Number("noise", defaults.Noise),
            Seed = (int)Number("seed", defaults.Seed),
        };
    }

    /// <summary>The job's items, in scan order then method order, each keyed by what determines its output.</summary>
    public IReadOnlyList<WorkItem> Items()
    {
        string model = Hash(File.ReadAllBytes(Model)) + (Card is null ? string.Empty : Hash(File.ReadAllBytes(Card)));
        var items = new List<WorkItem>();
        var stems = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string scan in Scans.SelectMany(Expand))
        {
            string stem = ScanFolder.Stem(scan);
            string unique = stem;
            for (int n = 2; !stems.Add(unique); n++)
            {
                unique = $"{stem}-{n}";
            }

            string content = HashScan(scan);
            string companions = Metrics.Count == 0 ? string.Empty : HashCompanions(EvaluationItemOf(scan));
            foreach (string method in Methods)
            {
                string parameters = string.Join(";", ParametersOf(method).Where(p => !MetricParameters.Contains(p.Key)).Select(p => $"{p.Key}={p.Value}"));
                string metrics = Metrics.Count == 0 ? string.Empty
                    : $"\nmetrics {string.Join(",", Metrics)}; {string.Join(";", ParametersOf(method).Where(p => MetricParameters.Contains(p.Key)).Select(p => $"{p.Key}={p.Value}"))}\n{companions}";
                string output = $"maps/{unique}-{method}.nii.gz";
                // The output's name is part of the key: two scans of the same content are two items with two outputs.
                string key = Hash(Encoding.UTF8.GetBytes($"medexplain {ToolVersion}\nmodel {model}\nscan {content}\nmethod {method}\nparameters {parameters}\noutput {output}{metrics}"))[..40];
                items.Add(new WorkItem(key, scan, method, output));
            }
        }

        return items;
    }

    /// <summary>A folder of scans lists its scans; a DICOM series folder (no scan files of its own) is one scan.</summary>
    private static IEnumerable<string> Expand(string path) =>
        Directory.Exists(path) && ScanFolder.In(path, int.MaxValue) is { Length: > 0 } scans ? scans : [path];

    /// <summary>What the metrics read beside the scan: a changed or added mask re-runs the scan's items.</summary>
    private static string HashCompanions(EvaluationItem item) =>
        string.Join(" ", new[] { ("mask", item.LesionMask), ("regions", item.Atlas), ("confounder", item.Confounder) }
            .Select(c => $"{c.Item1} {(c.Item2 is null ? "none" : Hash(File.ReadAllBytes(c.Item2)))}"));

    private static string HashScan(string scan)
    {
        if (!Directory.Exists(scan))
        {
            return Hash(File.ReadAllBytes(scan));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in Directory.EnumerateFiles(scan, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(scan, file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A SHA-256 in lower-case hex.</summary>
    public static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
