using MedExplain.Onnx;
using MedExplain.Prediction;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Prediction;

public sealed class PredictorTests
{
    [Fact]
    public void Predict_LinearModel_MatchesClosedForm()
    {
        using var dir = new TempDirectory();
        using OnnxModel model = OnnxModel.Load(TinyModels.Linear().Save(dir.File("linear.onnx")));
        FloatTensor batch = RandomBatch(5, [1, 2, 2], seed: 1);

        PredictionResult result = new Predictor(model).Predict(batch, "batch");

        for (int i = 0; i < 5; i++)
        {
            float[] expected = TinyModels.LinearLogits(batch.Item(i));
            Assert.Equal(expected, result.Items[i].Logits, (a, b) => Math.Abs(a - b) < 1e-5f);
            double[] exp = [.. expected.Select(v => Math.Exp(v))];
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(exp[c] / exp.Sum(), result.Items[i].Probabilities[c], 2e-6);
            }

            Assert.Equal(Array.IndexOf(expected, expected.Max()), result.Items[i].ClassIndex);
            Assert.Equal($"class {result.Items[i].ClassIndex}", result.Items[i].ClassName);
        }
    }

    [Fact]
    public void Predict_BatchOfN_EqualsNSinglePredictions()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor batch = RandomBatch(6, [1, 128, 128], seed: 2);
        var predictor = new Predictor(model);

        PredictionResult together = predictor.Predict(batch, "batch");

        Assert.Equal(1, together.Runs);
        for (int i = 0; i < 6; i++)
        {
            ClassPrediction alone = Assert.Single(predictor.Predict(batch.Slice(i, 1), "item").Items);
            Assert.Equal(alone.Logits, together.Items[i].Logits, (a, b) => Math.Abs(a - b) <= 1e-4f * Math.Max(1, Math.Abs(a)));
        }
    }

    [Fact]
    public void Predict_SmallMemoryBudget_SplitsIntoMoreRunsWithTheSameResult()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor batch = RandomBatch(7, [1, 128, 128], seed: 3);
        PredictionResult roomy = new Predictor(model).Predict(batch, "batch");

        // A budget below what the process already holds leaves room for one item per call.
        PredictionResult tight = new Predictor(model, new PredictorOptions { MaxMemoryBytes = 1 << 20 }).Predict(batch, "batch");

        Assert.Equal(1, roomy.Runs);
        Assert.Equal(1, tight.Plan.BatchSize);
        Assert.Equal(7, tight.Runs);
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(roomy.Items[i].Logits, tight.Items[i].Logits, (a, b) => Math.Abs(a - b) <= 1e-4f * Math.Max(1, Math.Abs(a)));
        }
    }

    [Fact]
    public void Predict_ModelWithFixedBatchOfTwo_PadsTheLastBatch()
    {
        using var dir = new TempDirectory();
        using OnnxModel model = OnnxModel.Load(TinyModels.Linear(batch: 2).Save(dir.File("fixed.onnx")));
        FloatTensor batch = RandomBatch(3, [1, 2, 2], seed: 4);

        PredictionResult result = new Predictor(model).Predict(batch, "batch");

        Assert.Equal(2, result.Runs);
        Assert.Equal(3, result.Items.Count);
        Assert.Equal(TinyModels.LinearLogits(batch.Item(2)), result.Items[2].Logits, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void Predict_DemoScans_MatchTorchLogits()
    {
        // Logits torch computed for each bundled scan when it trained the models (tools/demo_data).
        var reference = System.Text.Json.JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("demo-reference/torch-logits.json")));
        var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(RepoPaths.DemoScan("manifest.json")));
        int checkedScans = 0;
        foreach (var sample in manifest.RootElement.GetProperty("samples").EnumerateArray())
        {
            string scan = sample.GetProperty("scan").GetString()!;
            using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel(sample.GetProperty("model").GetString()!));
            FloatTensor input = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan(scan), model.InputSpec);

            float[] logits = Assert.Single(new Predictor(model).Predict(input, scan).Items).Logits;

            // Torch saw the 3D volumes as arrays; the manifest gives their NIfTI twins (same voxels, placed in space), so
            // the NIfTI read must give torch's logits too. One scan serves several models: logits are by model, then scan.
            float[] torch = [.. reference.RootElement.GetProperty("logits").GetProperty(sample.GetProperty("model").GetString()!).GetProperty(scan).EnumerateArray().Select(e => e.GetSingle())];
            double error = Math.Sqrt(logits.Zip(torch).Sum(p => (p.First - p.Second) * (p.First - p.Second)));
            double norm = Math.Sqrt(torch.Sum(v => v * v));
            Assert.True(error <= 1e-4 * norm + 1e-5, $"{scan}: ours [{string.Join(", ", logits)}], torch [{string.Join(", ", torch)}]");
            checkedScans++;
        }

        Assert.True(checkedScans >= 10, $"only {checkedScans} demo scans checked");
    }

    [Theory]
    [InlineData(new[] { 1, 3, 2, 2 }, "3 channel(s) but the model takes 1")]
    [InlineData(new[] { 1, 1, 2, 3 }, "size 3 on axis 3 but the model takes 2")]
    [InlineData(new[] { 1, 4 }, "rank 2")]
    public void Predict_InputThatDoesNotFit_NamesTheSourceAndTheDifference(int[] shape, string expected)
    {
        using var dir = new TempDirectory();
        using OnnxModel model = OnnxModel.Load(TinyModels.Linear().Save(dir.File("linear.onnx")));

        var error = Assert.Throws<MedExplainInputException>(() => new Predictor(model).Predict(new FloatTensor(shape), "scan.npy"));

        Assert.StartsWith("scan.npy: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_ModelThatFailsAtAShapeItsInterfaceAllows_NamesTheModelFile()
    {
        // Spatial dims are left open, but the Gemm behind Flatten only fits 2×2 images.
        using var dir = new TempDirectory();
        string path = new TinyModelBuilder()
            .Input("x", null, 1, null, null)
            .Output("logits", null, 3)
            .Initializer("W", [3, 4], TinyModels.LinearWeights)
            .Node("Flatten", ["x"], ["flat"], attributes: ("axis", 1L))
            .Node("Gemm", ["flat", "W"], ["logits"], attributes: ("transB", 1L))
            .Save(dir.File("open-dims.onnx"));
        using OnnxModel model = OnnxModel.Load(path);

        var error = Assert.Throws<MedExplainInputException>(() => new Predictor(model).Predict(new FloatTensor(1, 1, 3, 3), "scan.npy"));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("failed to run the model on input shape (1, 1, 3, 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_ModelWithTwoInputs_LoadsButSaysItNeedsOneImageInput()
    {
        using var dir = new TempDirectory();
        string path = new TinyModelBuilder()
            .Input("image", null, 4)
            .Input("age", null, 4)
            .Output("sum", null, 4)
            .Node("Add", ["image", "age"], ["sum"])
            .Save(dir.File("two-inputs.onnx"));
        using OnnxModel model = OnnxModel.Load(path);

        var error = Assert.Throws<MedExplainInputException>(() => new Predictor(model).Predict(new FloatTensor(1, 4), "x.npy"));

        Assert.Equal(2, model.Inputs.Count);
        Assert.Null(model.ProbeShape);
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("has 2 inputs ('image', 'age')", error.Message, StringComparison.Ordinal);
    }

    private static FloatTensor RandomBatch(int items, int[] itemShape, int seed)
    {
        var random = new Random(seed);
        var tensor = new FloatTensor([items, .. itemShape]);
        for (int i = 0; i < tensor.Data.Length; i++)
        {
            tensor.Data[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return tensor;
    }
}
