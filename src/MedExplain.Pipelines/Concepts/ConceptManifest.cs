using System.Globalization;
using System.Text.Json;
using MedExplain.Imaging;

namespace MedExplain.Pipelines.Concepts;

/// <summary>
/// Reads a concept study from a manifest (JSON, paths relative to it):
/// <code>
/// {"concepts": [{"name": "burned-in marker", "images": "marker"},
///               {"name": "lesion", "images": "tumour/*.png", "mask": "crop", "margin": 4}],
///  "random": {"images": "random", "sets": 20, "size": 50},
///  "examples": "examples",
///  "measures": [{"name": "lesion area", "images": "tumour", "fromMasks": "area"},
///               {"name": "nuclei size", "csv": "measures.csv", "column": "nuclei"}]}
/// </code>
/// "images" is a folder (its scans, masks left out), a pattern in one folder ("tumour/*.png") or one file. "mask" is
/// "none", "crop" or "keep-inside" and uses each scan's NAME-mask.*. A CSV has a "scan" column (paths relative to the
/// CSV) and one column per measure.
/// </summary>
public static class ConceptManifest
{
    /// <summary>The largest manifest or CSV read.</summary>
    public const int MaxBytes = 16 << 20;

    /// <summary>The most scans one entry may list.</summary>
    public const int MaxScans = 100_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Reads the study.</summary>
    /// <param name="path">The manifest.</param>
    /// <exception cref="MedExplainInputException">The manifest, a folder, a mask or a CSV is missing or malformed.</exception>
    public static ConceptStudy Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "not found: expected a concept manifest (.json).");
        }

        Manifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(BoundedFile.ReadUtf8(path, MaxBytes, "concept manifest"), Json)
                ?? throw new MedExplainInputException(path, "is empty.");
        }
        catch (JsonException e)
        {
            throw new MedExplainInputException(path, $"is not a concept manifest ({{\"concepts\": [{{\"name\", \"images\"}}], \"random\": {{\"images\"}}, \"examples\"}}): {e.Message}", e);
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        ConceptSet[] concepts = [.. (manifest.Concepts ?? []).Select((c, i) => Concept(path, folder, c, i))];
        string[] duplicate = [.. concepts.GroupBy(c => c.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)];
        if (duplicate.Length > 0)
        {
            throw new MedExplainInputException(path, $"names the concept '{duplicate[0]}' twice.");
        }

        IReadOnlyList<string> pool = manifest.Random?.Images is { } random ? Scans(path, folder, random, "random") : [];
        if (concepts.Length > 0 && pool.Count == 0)
        {
            throw new MedExplainInputException(path, "has concepts but no random pool (\"random\": {\"images\": FOLDER}): random sets come from scans of the same data set.");
        }

        IReadOnlyList<string> examples = manifest.Examples is { } e2 ? Scans(path, folder, e2, "examples") : [];
        MeasureSet[] measures = [.. (manifest.Measures ?? []).Select((m, i) => Measure(path, folder, m, i))];
        return new ConceptStudy(concepts, pool, examples, measures)
        {
            RandomSets = manifest.Random?.Sets ?? ConceptStudy.DefaultRandomSets,
            RandomSetSize = manifest.Random?.Size ?? ConceptStudy.DefaultRandomSetSize,
        };
    }

    /// <summary>The scans a folder, a pattern or a file names, in name order.</summary>
    /// <param name="manifest">The manifest, named in errors.</param>
    /// <param name="folder">The folder paths are relative to.</param>
    /// <param name="images">The folder, pattern or file.</param>
    /// <param name="what">What the scans are for, named in errors.</param>
    /// <exception cref="MedExplainInputException">Nothing is found.</exception>
    public static IReadOnlyList<string> Scans(string manifest, string folder, string images, string what)
    {
        ArgumentNullException.ThrowIfNull(images);
        string full = Path.GetFullPath(Path.Combine(folder, images));
        string[] found;
        if (Directory.Exists(full))
        {
            found = ScanFolder.In(full, MaxScans);
        }
        else if (File.Exists(full))
        {
            found = [full];
        }
        else if (Path.GetFileName(full).IndexOfAny(['*', '?']) >= 0 && Directory.Exists(Path.GetDirectoryName(full)))
        {
            string[] listed = ScanFolder.In(Path.GetDirectoryName(full)!, int.MaxValue);
            string[] matched = Directory.GetFiles(Path.GetDirectoryName(full)!, Path.GetFileName(full));
            found = [.. listed.Intersect(matched, StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(MaxScans)];
        }
        else
        {
            throw new MedExplainInputException(manifest, $"{what}: '{images}' is not a folder, a file or a pattern in a folder.");
        }

        return found.Length > 0 ? found : throw new MedExplainInputException(manifest, $"{what}: '{images}' holds no scans ({string.Join(", ", MedicalImageReader.ScanExtensions)}).");
    }

    private static ConceptSet Concept(string path, string folder, ManifestConcept? entry, int index)
    {
        if (entry?.Name is not { Length: > 0 } name || entry.Images is not { } images)
        {
            throw new MedExplainInputException(path, $"concept {index} needs a \"name\" and \"images\".");
        }

        ConceptMaskUse use = (entry.Mask ?? "none") switch
        {
            "none" => ConceptMaskUse.None,
            "crop" => ConceptMaskUse.Crop,
            "keep-inside" => ConceptMaskUse.KeepInside,
            string other => throw new MedExplainInputException(path, $"concept '{name}': \"mask\" is \"{other}\"; use \"none\", \"crop\" or \"keep-inside\"."),
        };
        int margin = entry.Margin ?? 4;
        if (margin is < 0 or > 1000)
        {
            throw new MedExplainInputException(path, $"concept '{name}': \"margin\" must be from 0 to 1000 voxels, not {margin}.");
        }

        return new ConceptSet(name, Scans(path, folder, images, $"concept '{name}'"), use, margin);
    }

    private static MeasureSet Measure(string path, string folder, ManifestMeasure? entry, int index)
    {
        if (entry?.Name is not { Length: > 0 } name)
        {
            throw new MedExplainInputException(path, $"measure {index} needs a \"name\".");
        }

        if (entry.FromMasks is { } measure && entry.Images is { } images)
        {
            if (!MaskMeasures.Names.Contains(measure))
            {
                throw new MedExplainInputException(path, $"measure '{name}': \"fromMasks\" is \"{measure}\"; the measures are {string.Join(", ", MaskMeasures.Names)}.");
            }

            IReadOnlyList<string> scans = Scans(path, folder, images, $"measure '{name}'");
            bool unplaced = false;
            double[] values = [.. scans.Select(scan =>
            {
                string mask = ScanFolder.Companion(scan, Path.GetDirectoryName(scan)!, "-mask")
                    ?? throw new MedExplainInputException(scan, $"has no mask beside it (NAME-mask.*), and measure '{name}' is taken from masks.");
                MedicalImage image = MedicalImageReader.Read(scan);
                unplaced |= !image.Metadata.HasGeometry;
                return MaskMeasures.Compute(measure, image, LabelMaps.OnScanGrid(mask, image));
            })];
            string pixels = unplaced && measure is "area" or "volume" or "eccentricity" or "elongation" ? "; some scans have no voxel size (PNG, NPY), so their sizes are in pixels" : string.Empty;
            return new MeasureSet(name, scans, values, $"{measure} from the masks: {MaskMeasures.Descriptions[measure]}{pixels}");
        }

        if (entry.Csv is { } csv)
        {
            return FromCsv(path, Path.Combine(folder, csv), name, entry.Column ?? name);
        }

        throw new MedExplainInputException(path, $"measure '{name}' needs \"images\" with \"fromMasks\", or a \"csv\".");
    }

    private static MeasureSet FromCsv(string manifest, string csv, string name, string column)
    {
        if (!File.Exists(csv))
        {
            throw new MedExplainInputException(manifest, $"measure '{name}': the CSV '{csv}' is not found.");
        }

        string[] lines = [.. System.Text.Encoding.UTF8.GetString(BoundedFile.ReadUtf8(csv, MaxBytes, "measure CSV")).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0)];
        string[] header = lines.Length > 0 ? lines[0].Split(',') : [];
        int scanColumn = Array.IndexOf(header, "scan"), valueColumn = Array.IndexOf(header, column);
        if (scanColumn < 0 || valueColumn < 0)
        {
            throw new MedExplainInputException(csv, $"needs a header with columns \"scan\" and \"{column}\"; it has {string.Join(", ", header.Select(h => $"\"{h}\""))}.");
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(csv))!;
        var scans = new List<string>();
        var values = new List<double>();
        foreach ((string line, int row) in lines.Skip(1).Select((l, i) => (l, i + 2)))
        {
            string[] cells = line.Split(',');
            if (cells.Length <= Math.Max(scanColumn, valueColumn) || !double.TryParse(cells[valueColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                throw new MedExplainInputException(csv, $"line {row}: needs a scan and a finite number in column \"{column}\".");
            }

            scans.Add(Path.GetFullPath(Path.Combine(folder, cells[scanColumn])));
            values.Add(value);
        }

        return new MeasureSet(name, scans, values, $"column '{column}' of {Path.GetFileName(csv)}");
    }

    private sealed record Manifest(IReadOnlyList<ManifestConcept?>? Concepts, ManifestRandom? Random, string? Examples, IReadOnlyList<ManifestMeasure?>? Measures);

    private sealed record ManifestConcept(string? Name, string? Images, string? Mask, int? Margin);

    private sealed record ManifestRandom(string? Images, int? Sets, int? Size);

    private sealed record ManifestMeasure(string? Name, string? Images, string? FromMasks, string? Csv, string? Column);
}
