using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Onnx;

namespace MedExplain.Onnx.Backward;

/// <summary>Compiled explanation graphs kept on disk between runs, so that a new process skips probing and compiling.
/// An entry is keyed by a hash of the model's graph, the input shape, the request and the build of this library (any
/// change to the compiler makes new keys). The folder is MEDEXPLAIN_CACHE, else $XDG_CACHE_HOME/medexplain (or
/// ~/.cache/medexplain); MEDEXPLAIN_CACHE=off turns it off. Entries are written whole (a temporary file, then a rename),
/// a damaged one is ignored and replaced, and graphs over 256 MiB (a large model's weights) are not kept. Each build
/// keeps its entries in a folder of its own and removes those of other builds when it first writes, so the cache holds
/// one build's graphs, not every build's a developer ever ran.</summary>
internal static class CompiledGraphCache
{
    private const long MaxEntryBytes = 256L << 20;

    private static readonly string BuildId = typeof(CompiledGraphCache).Assembly.ManifestModule.ModuleVersionId.ToString("N");
    private static int _hits;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Pruned = new(StringComparer.Ordinal);

    /// <summary>Gets how many compiles this process took from the disk (for tests and diagnostics).</summary>
    public static int Hits => _hits;

    /// <summary>Gets the cache folder, or null when caching is off or no folder can be had.</summary>
    public static string? Folder
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("MEDEXPLAIN_CACHE");
            if (configured is "off" or "0" or "false")
            {
                return null;
            }

            if (!string.IsNullOrWhiteSpace(configured))
            {
                return Path.Combine(configured, "compiled", BuildId);
            }

            string? root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrWhiteSpace(root))
            {
                string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                root = string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache");
            }

            return root is null ? null : Path.Combine(root, "medexplain", "compiled", BuildId);
        }
    }

    /// <summary>The key of a compile: what the graph computes and who compiled it.</summary>
    public static string Key(string modelHash, int[] inputShape, BackwardRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{BuildId}|{modelHash}|{FloatTensor.FormatShape(inputShape)}|{request.CacheKey}")));

    /// <summary>The cached graph for <paramref name="key"/>, or null.</summary>
    public static CompiledGraph? Read(string key)
    {
        if (Folder is not { } folder)
        {
            return null;
        }

        string graphPath = Path.Combine(folder, key + ".onnx"), metadataPath = Path.Combine(folder, key + ".json");
        try
        {
            if (!File.Exists(graphPath) || !File.Exists(metadataPath))
            {
                return null;
            }

            Entry entry = JsonSerializer.Deserialize<Entry>(File.ReadAllText(metadataPath)) ?? throw new JsonException("empty entry");
            ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(graphPath));
            Interlocked.Increment(ref _hits);
            return new CompiledGraph(model, entry.InputName, entry.InputShape, entry.SeedName, entry.SeedShape, entry.SignalOutputs) { ReferenceName = entry.ReferenceName };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidProtocolBufferException or NullReferenceException)
        {
            return null; // A damaged or half-removed entry: compile anew and write it again.
        }
    }

    /// <summary>Keeps <paramref name="graph"/> under <paramref name="key"/>; a failure to write only costs the next run a compile.</summary>
    public static void Write(string key, CompiledGraph graph)
    {
        if (Folder is not { } folder || graph.Model.CalculateSize() > MaxEntryBytes)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(folder);
            PruneOtherBuilds(folder);
            var entry = new Entry(graph.InputName, graph.InputShape, graph.SeedName, graph.SeedShape, new Dictionary<string, string>(graph.SignalOutputs), graph.ReferenceName);
            WriteWhole(Path.Combine(folder, key + ".onnx"), graph.Model.ToByteArray());
            WriteWhole(Path.Combine(folder, key + ".json"), JsonSerializer.SerializeToUtf8Bytes(entry));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No cache folder to be had (read-only home, full disk): the compile stands, only unsaved.
        }
    }

    /// <summary>Removes, once per cache folder and process, the entries of other builds (siblings of this build's folder).</summary>
    private static void PruneOtherBuilds(string folder)
    {
        if (Path.GetDirectoryName(folder) is not { } parent || !Pruned.TryAdd(parent, true))
        {
            return;
        }

        foreach (string other in Directory.EnumerateDirectories(parent).Where(d => Path.GetFileName(d) != BuildId))
        {
            try
            {
                Directory.Delete(other, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process may be using it: it goes next time.
            }
        }
    }

    private static void WriteWhole(string path, byte[] bytes)
    {
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    private sealed record Entry(string InputName, int[] InputShape, string SeedName, int[] SeedShape, Dictionary<string, string> SignalOutputs, string? ReferenceName);
}
