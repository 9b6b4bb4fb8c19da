using System.Diagnostics;
using MedExplain.Imaging;
using MedExplain.Onnx;
using MedExplain.Pipelines.Cases;
using SkiaSharp;

namespace MedExplain.Benchmarks;

/// <summary>
/// <c>case-index</c>: builds a case index of N 2D slices (PNG files, seeded variants of the demo's slices) with the 2D demo
/// model and queries it, against the floors measured in the same run: one forward pass of one slice, and the forward
/// passes of all N slices batched as indexing batches them. Then exact search alone over 10⁴ to 10⁶ rows.
/// </summary>
internal static class CaseIndexTiming
{
    public static int Run(int cases)
    {
        string folder = Directory.CreateTempSubdirectory("medexplain-case-index-").FullName;
        try
        {
            using OnnxModel model = OnnxModel.Load(DemoModels.Path("brain-lesion-2d"));
            string[] scans = WriteSlices(Path.Combine(folder, "scans"), cases);
            PreparedScan one = ModelInputLoader.Prepare(scans[0], model.InputSpec);
            string score = model.ScoreOutput.Name;
            model.Run(one.Batch, [score]);
            double forward = Median(20, () => model.Run(one.Batch, [score]));

            // Floor of the build: the same forward passes, 32 prepared slices per call, without reading or storing.
            FloatTensor group = FloatTensor.Concatenate([.. scans.Take(32).Select(s => ModelInputLoader.Prepare(s, model.InputSpec).Batch)]);
            double groupForward = Median(5, () => model.Run(group, [score]));
            double floor = groupForward / 1000 * cases / 32;

            var clock = Stopwatch.StartNew();
            CaseIndex index = CaseIndex.OpenOrCreate(Path.Combine(folder, "index"), model);
            index.AddScans(model, [.. scans.Select((s, i) => (s, (string?)(i % 3 == 0 ? "tumour" : "normal")))], 1L << 30);
            double build = clock.Elapsed.TotalSeconds;
            long peak = Process.GetCurrentProcess().PeakWorkingSet64;

            SimilarCases.Find(model, index, scans[1], 5, null, 1L << 30);
            double query = Median(5, () => SimilarCases.Find(model, index, scans[7], 5, null, 1L << 30));
            float[] embedding = index.Embedding(3);
            double search = Median(21, () => index.Search(embedding, 5));

            Console.WriteLine($"case index of {cases} 2D slices (128², brain-lesion-2d, {index.Dimension} values per case), this machine:");
            Console.WriteLine($"  build {build:0.0} s ({build / cases * 1000:0.00} ms per case), floor of the same forward passes {floor:0.0} s: ratio {build / floor:0.00}; peak resident {peak >> 20} MiB");
            Console.WriteLine($"  one forward pass {forward:0.00} ms; a query with its 5 cases' maps {query:0.0} ms (ratio {query / forward:0.0}); exact search alone {search:0.00} ms (ratio {search / forward:0.00})");
            foreach (int rows in new[] { 10_000, 100_000, 1_000_000 })
            {
                CaseIndex synthetic = Synthetic(Path.Combine(folder, $"synthetic-{rows}"), model, rows);
                double time = Median(11, () => synthetic.Search(embedding, 5));
                Console.WriteLine($"  exact search over {rows,9:N0} rows: {time,8:0.00} ms (ratio to one forward pass {time / forward:0.00})");
                Directory.Delete(Path.Combine(folder, $"synthetic-{rows}"), recursive: true);
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>N grey PNGs: the demo's six 2D slices, each copy shifted and with its own noise.</summary>
    private static string[] WriteSlices(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        string demo = Path.GetDirectoryName(Path.GetDirectoryName(DemoModels.Path("brain-lesion-2d")))!;
        MedicalImage[] sources = [.. Directory.GetFiles(Path.Combine(demo, "scans", "2d"), "slice-0?-*.png").Where(f => !f.Contains("-mask", StringComparison.Ordinal) && !f.Contains("-regions", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(f => MedicalImageReader.Read(f))];
        var rng = new Random(7);
        var paths = new string[count];
        for (int n = 0; n < count; n++)
        {
            MedicalImage source = sources[n % sources.Length];
            int w = source.Dims[0], h = source.Dims[1], dx = rng.Next(-4, 5), dy = rng.Next(-4, 5);
            byte[] grey = new byte[w * h];
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    int sx = Math.Clamp(x + dx, 0, w - 1), sy = Math.Clamp(y + dy, 0, h - 1);
                    grey[x + (w * y)] = (byte)Math.Clamp(source.Voxels[sx + (w * sy)] + (rng.NextDouble() * 12) - 6, 0, 255);
                }
            }

            using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque));
            System.Runtime.InteropServices.Marshal.Copy(grey, 0, bitmap.GetPixels(), grey.Length);
            paths[n] = Path.Combine(folder, $"case-{n:00000}.png");
            using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(paths[n], png.ToArray());
        }

        return paths;
    }

    /// <summary>An index of random rows of the model's embedding length (search cost does not depend on the values).</summary>
    private static CaseIndex Synthetic(string folder, OnnxModel model, int rows)
    {
        CaseIndex index = CaseIndex.OpenOrCreate(folder, model);
        var rng = new Random(rows);
        for (int start = 0; start < rows; start += 100_000)
        {
            index.Add([.. Enumerable.Range(start, Math.Min(100_000, rows - start)).Select(i => (new IndexedCase($"case-{i}", null, "x"), Enumerable.Range(0, index.Dimension).Select(_ => (float)rng.NextDouble()).ToArray()))]);
        }

        return index;
    }

    /// <summary>The median time of an action, after enough untimed calls for the JIT to have optimised it.</summary>
    private static double Median(int repeats, Action action)
    {
        for (int w = 0; w < 30; w++)
        {
            action();
        }

        double[] times = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[r] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[repeats / 2];
    }
}
