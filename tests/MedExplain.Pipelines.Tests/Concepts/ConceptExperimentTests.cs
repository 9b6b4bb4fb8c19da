using MedExplain.Batching;
using MedExplain.Concepts;
using MedExplain.Imaging;
using MedExplain.Imaging.Npy;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Pipelines.Concepts;
using MedExplain.Prediction;
using MedExplain.TestUtilities;
using Xunit.Abstractions;

namespace MedExplain.Pipelines.Tests.Concepts;

/// <summary>The concepts use case from a C# program: a closed form on a linear model, and the demo's shortcut and honest
/// models against the concepts they should and should not depend on.</summary>
public sealed class ConceptExperimentTests(ITestOutputHelper output) : IDisposable
{
    private const string Stage2 = "/stage2/relu_1/Relu_output_0";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void LinearModel_AConceptAlongTheClassWeights_ScoresOneAndIsSignificant()
    {
        // logit₂ = w·x at the input: the gradient is w for every example, so a concept shifted along +w from random
        // noise has a CAV near +w and a TCAV score of exactly 1; one shifted along −w scores 0; chained random pairs
        // point anywhere. Measured "brightness" (the sum of the pixels) is linear in x: R² near 1.
        using OnnxModel model = OnnxModel.Load(TinyModels.Linear().Save(_temp.File("linear.onnx")));
        float[] w = TinyModels.LinearWeights[8..12];
        var rng = new Random(3);
        string[] Set(string name, int count, float along) => [.. Enumerable.Range(0, count).Select(n =>
        {
            float[] x = [.. w.Select(v => (along * v) + (float)(rng.NextDouble() - 0.5))];
            string path = _temp.File($"{name}-{n:000}.npy");
            NpyWriter.Write(path, new FloatTensor([1, 1, 2, 2], x));
            return path;
        })];
        string[] up = Set("up", 20, 2), down = Set("down", 20, -2), pool = Set("pool", 60, 0), examples = Set("example", 10, 0);
        double[] brightness = [.. pool[..30].Select(p => (double)NpyReader.Read(p).Data.Sum())];
        var study = new ConceptStudy(
            [new ConceptSet("up", up), new ConceptSet("down", down)], pool, examples, [new MeasureSet("brightness", pool[..30], brightness, "sum")])
        { RandomSets = 20, RandomSetSize = 20 };

        ConceptResults results = new ConceptExperiment(model, new ConceptSettings(["x"], TargetClass: 2) { MeasurePooling = LayerPooling.Flatten }, _ => new Progress<BatchProgress>()).Run(study);

        ConceptScore upScore = results.Scores.Single(s => s.Concept == "up"), downScore = results.Scores.Single(s => s.Concept == "down");
        Assert.All(upScore.Scores, s => Assert.Equal(1, s));
        Assert.All(downScore.Scores, s => Assert.Equal(0, s));
        Assert.True(upScore.Significant && downScore.Significant, $"p {upScore.CorrectedP} and {downScore.CorrectedP}");
        Assert.Equal(19, upScore.CavAccuracies.Length);
        Assert.True(results.Entanglements.Single().Cosines[0][1] < -0.9, "up and down are opposite directions");
        // The CAVs saved and read back score a new input by the same closed form: ∇logit = w, so w · cav for each.
        string file = _temp.File("cavs.json");
        results.Vectors!.Save(file);
        ConceptVectorSet reloaded = ConceptVectorSet.Load(file);
        ScanConceptScore upOnNewScan = reloaded.Score(model, NpyReader.Read(examples[0]), file).Single(c => c.Concept == "up");
        Assert.Equal((19, 19), (upOnNewScan.Rising, upOnNewScan.Cavs));
        double expected = reloaded.Vectors.Single(v => v.Concept == "up").Directions.Average(d => d.Zip(w, (a, b) => (double)a * b).Sum());
        Assert.Equal(expected, upOnNewScan.MeanDerivative, 5);
        using OnnxModel other = OnnxModel.Load(TinyModels.WithCamLayer("GlobalAveragePool").Save(_temp.File("other.onnx")));
        Assert.Contains("another model", Assert.Throws<MedExplainInputException>(() => reloaded.Score(other, NpyReader.Read(examples[0]), file)).Message, StringComparison.Ordinal);
        MeasureRelevance measure = results.Measures.Single();
        Assert.True(measure.R2 > 0.99, $"R² {measure.R2}");
        Assert.Equal(results.Measures.Single().Logits, [.. pool[..30].Select(p => (double)TinyModels.LinearLogits(NpyReader.Read(p).Data)[2])], new ToleranceComparer(1e-4));
    }

    [Fact]
    public void Volumes_LesionCropsAtA3DLayer_GiveScoresAndCavsOfItsChannels()
    {
        // The 3D demo volumes copied under other names: the lesion concept cropped to the masks in 3D, channel means at
        // the 3D model's last block (what volumes need), a small pool.
        string Copy(string name, int n, bool withMask)
        {
            string stem = _temp.File($"{name}-{n}");
            File.Copy(RepoPaths.DemoScan($"3d/{name}.nii.gz"), stem + ".nii.gz");
            if (withMask)
            {
                File.Copy(RepoPaths.DemoScan($"3d/{name}-mask.nii.gz"), stem + "-mask.nii.gz");
            }

            return stem + ".nii.gz";
        }

        string[] lesions = [.. Enumerable.Range(0, 2).SelectMany(n => new[] { Copy("volume-02-tumour", n, true), Copy("volume-03-infarct", n, true) })];
        string[] pool = [.. Enumerable.Range(0, 2).SelectMany(n => new[] { Copy("volume-01-normal", n, false), Copy("volume-02-tumour", n + 10, false), Copy("volume-03-infarct", n + 10, false) })];
        var study = new ConceptStudy([new ConceptSet("lesion", lesions, ConceptMaskUse.Crop, 2)], pool, pool[..2], []) { RandomSets = 3, RandomSetSize = 3 };
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-3d"));
        var settings = new ConceptSettings(["/body/body.4/body.4.2/Relu_output_0"], 1, LayerPooling.SpatialMean);

        ConceptResults results = new ConceptExperiment(model, settings, _ => new Progress<BatchProgress>()).Run(study);

        ConceptScore lesion = results.Scores.Single();
        Assert.Equal(2, lesion.CavAccuracies.Length);
        Assert.All(lesion.Scores, s => Assert.InRange(s, 0, 1));
        int channels = model.ProbeShapes([1, 1, 64, 64, 64]).Shapes["/body/body.4/body.4.2/Relu_output_0"][1];
        Assert.All(results.Vectors?.Vectors ?? [], v => Assert.All(v.Directions, d => Assert.Equal(channels, d.Length)));
    }

    [Fact]
    public void ALayerWhoseTrainingPairWouldTakeHalfTheBudget_IsRefusedSayingWhatToDo()
    {
        // Flattened, the shortcut model's first block holds 65 536 values per slice: 30 + 2 × 50 + 50 rows are 45 MiB.
        ConceptStudy study = ConceptManifest.Load(Path.Combine(RepoPaths.Demo, "concepts", "concepts.json")) with { Measures = [] };
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("shortcut-marker-2d"));
        var settings = new ConceptSettings(["/stage1/relu_1/Relu_output_0"], 1, Options: new AttributionOptions { MaxMemoryBytes = 64L << 20 });

        var error = Assert.Throws<MedExplainParameterException>(() => new ConceptExperiment(model, settings, _ => new Progress<BatchProgress>()).Run(study));

        Assert.Equal("max-memory", error.Parameter);
        Assert.Contains("45 MiB", error.Message, StringComparison.Ordinal);
        Assert.Contains("spatial-mean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASetTooSmallForItsRandomSets_IsRefusedNamingIt()
    {
        var study = new ConceptStudy([new ConceptSet("c", ["a.npy", "b.npy", "c.npy"])], ["p.npy", "q.npy"], ["e.npy", "f.npy"], []) { RandomSetSize = 5 };

        var error = Assert.Throws<MedExplainParameterException>(study.Validate);

        Assert.Contains("random set size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomSets_AreSeededSamplesWithoutReplacement()
    {
        var study = new ConceptStudy([], [.. Enumerable.Range(0, 30).Select(n => $"{n}.npy")], [], []) { RandomSets = 5, RandomSetSize = 10 };

        int[][] first = study.DrawRandomSets(7), again = study.DrawRandomSets(7), other = study.DrawRandomSets(8);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.All(first, set => Assert.Equal(10, set.Distinct().Count()));
    }

    /// <summary>The demo at the last residual block: both models' class rises along the burned-in marker (TCAV score
    /// ≥ 0.9, corrected p &lt; 0.01), and burning the marker into normal slices confirms it independently, by intervention:
    /// the class's logit rises in at least 90% of them for both. What tells the models apart is how far the marker moves
    /// their decisions (measured: the shortcut calls every marked normal slice "lesion"; the honest model, never trained
    /// with markers, still calls 28% of them abnormal), and the lesion: the honest model's layer encodes lesion area
    /// (cross-validated R² above 0.5), the shortcut's does not.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void Demo_TcavFindsTheMarkerAndTheInterventionAgrees()
    {
        ConceptStudy study = ConceptManifest.Load(Path.Combine(RepoPaths.Demo, "concepts", "concepts.json"));
        string[] normal = [.. study.RandomPool.Where(p => p.EndsWith("-normal.png", StringComparison.Ordinal))];
        var outcomes = new Dictionary<string, (ConceptResults Results, double Rises, double Flipped)>();
        foreach (string name in new[] { "shortcut-marker-2d", "brain-lesion-2d" })
        {
            using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel(name));
            ConceptResults results = new ConceptExperiment(model, new ConceptSettings([Stage2], TargetClass: 1), _ => new Progress<BatchProgress>()).Run(study);
            (double rises, double flipped) = BurnTheMarker(model, normal);
            outcomes[name] = (results, rises, flipped);
            ConceptScore m = results.Scores.Single(s => s.Concept == "burned-in marker"), l = results.Scores.Single(s => s.Concept == "ring-enhancing lesion");
            output.WriteLine($"{name}: marker {m.Score} p {m.CorrectedP}; lesion {l.Score} p {l.CorrectedP}; marker burned in: logit rose in {rises:P0}, decision left class 0 in {flipped:P0} of {normal.Length}; lesion area R² {results.Measures.Single().R2:0.000}");
        }

        foreach ((string name, (ConceptResults results, double rises, _)) in outcomes)
        {
            ConceptScore marker = results.Scores.Single(s => s.Concept == "burned-in marker");
            Assert.True(marker.Score.Mean >= 0.9 && marker.CorrectedP < 0.01, $"{name}, marker: {marker.Score} p {marker.CorrectedP}");
            Assert.True(rises >= 0.9, $"{name}: the logit rose in {rises:P0} of the marked slices");
            RandomBaseline baseline = results.Baselines.Single();
            Assert.InRange(0.5, baseline.Score.Low, baseline.Score.High);
        }

        Assert.True(outcomes["shortcut-marker-2d"].Flipped >= 0.9 && outcomes["brain-lesion-2d"].Flipped <= 0.5, $"decisions changed by the marker: shortcut {outcomes["shortcut-marker-2d"].Flipped:P0}, honest {outcomes["brain-lesion-2d"].Flipped:P0}");
        double honestR2 = outcomes["brain-lesion-2d"].Results.Measures.Single().R2, shortcutR2 = outcomes["shortcut-marker-2d"].Results.Measures.Single().R2;
        Assert.True(honestR2 > 0.5 && shortcutR2 < honestR2 - 0.3, $"R² of lesion area: honest {honestR2}, shortcut {shortcutR2}");
    }

    /// <summary>Burns the demo's "L" (rows 4–15, columns 4–13 of the 128² slice, as tools/demo_data/synth.py does) into
    /// each slice: the share whose class-1 logit rises, and the share whose decision moves from class 0 to another.</summary>
    private static (double Rises, double Flipped) BurnTheMarker(OnnxModel model, string[] slices)
    {
        var predictor = new Predictor(model);
        int rises = 0, flipped = 0;
        foreach (string slice in slices)
        {
            MedicalImage plain = MedicalImageReader.Read(slice);
            float[] marked = [.. plain.Voxels];
            for (int row = 4; row < 16; row++)
            {
                for (int column = 4; column < 14; column++)
                {
                    bool stem = column < 6, foot = row >= 14;
                    marked[plain.Index(column, row, 0)] = stem || foot ? 255 : marked[plain.Index(column, row, 0)];
                }
            }

            ClassPrediction before = predictor.Predict(ModelInputLoader.Prepare(plain, model.InputSpec).Batch, slice).Items[0];
            ClassPrediction after = predictor.Predict(ModelInputLoader.Prepare(plain.WithVoxels(marked, plain.Metadata.DataType), model.InputSpec).Batch, slice).Items[0];
            rises += after.Logits[1] > before.Logits[1] ? 1 : 0;
            flipped += before.ClassIndex == 0 && after.ClassIndex != 0 ? 1 : 0;
        }

        return (rises / (double)slices.Length, flipped / (double)slices.Length);
    }

    private static ConceptResults Run(string model, ConceptStudy study, int targetClass)
    {
        using OnnxModel loaded = OnnxModel.Load(RepoPaths.DemoModel(model));
        return new ConceptExperiment(loaded, new ConceptSettings([Stage2], targetClass), _ => new Progress<BatchProgress>()).Run(study);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
