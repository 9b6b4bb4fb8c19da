using Google.Protobuf;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.TestUtilities;
using Microsoft.ML.OnnxRuntime;

namespace MedExplain.Core.Tests.Methods;

public sealed class ExplanationGraphExportTests
{
    [Theory]
    [InlineData("saliency")]
    [InlineData("input-x-gradient")]
    [InlineData("guided-backprop")]
    public void Export_SavedGraphInAFreshRuntime_GivesTheMethodsAttribution(string method)
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor scan = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-03-infarct.png"), model.InputSpec);
        Attribution expected = AttributionMethods.Get(method).Attribute(model, scan, ClassTarget.Class(2), new AttributionOptions());

        byte[] saved = ExplanationGraphExport.Export(model, method, [1, 1, 128, 128]).ToByteArray();

        using var session = new InferenceSession(saved);
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(scan.Data, [1, 1, 128, 128]);
        using OrtValue seed = OrtValue.CreateTensorValueFromMemory(new float[] { 0, 0, 1 }, [1, 3]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, ["image", "seed"], [input, seed], ["logits", ExplanationGraphExport.AttributionOutput]);
        float[] attribution = results[1].GetTensorDataAsSpan<float>().ToArray();
        Assert.True(Numerics.RelativeL2(attribution, expected.Values.Data) < 1e-6);
        Assert.Equal(expected.TargetScores[0], results[0].GetTensorDataAsSpan<float>()[2], 4);
        Assert.All(global::Onnx.ModelProto.Parser.ParseFrom(saved).Graph.Node, n => Assert.True(n.Domain is "" or "ai.onnx", $"{n.OpType} is in domain {n.Domain}"));
    }

    [Fact]
    public void Export_IntegratedGradients_SavedGraphGivesTheMethodsAttributionForEachItem()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor scans = FloatTensor.Concatenate([.. new[] { "2d/slice-02-tumour.png", "2d/slice-03-infarct.png" }
            .Select(s => MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan(s), model.InputSpec))]);
        var options = new AttributionOptions { Steps = 6, Integration = IntegrationKind.GaussLegendre, Baseline = BaselineKind.Constant, BaselineValue = -0.5f };
        Attribution expected = AttributionMethods.Get("integrated-gradients").Attribute(model, scans, ClassTarget.PerItem([1, 2]), options);

        byte[] saved = ExplanationGraphExport.Export(model, "integrated-gradients", [2, 1, 128, 128], options).ToByteArray();

        using var session = new InferenceSession(saved);
        float[] baseline = [.. Enumerable.Repeat(-0.5f, scans.Data.Length)];
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(scans.Data, [2, 1, 128, 128]);
        using OrtValue seed = OrtValue.CreateTensorValueFromMemory(new float[] { 0, 1, 0, 0, 0, 1 }, [2, 3]);
        using OrtValue reference = OrtValue.CreateTensorValueFromMemory(baseline, [2, 1, 128, 128]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, ["image", "seed", "baseline"], [input, seed, reference], [ExplanationGraphExport.AttributionOutput]);
        Assert.True(Numerics.RelativeL2(results[0].GetTensorDataAsSpan<float>(), expected.Values.Data) < 1e-5);
    }

    [SkippableTheory]
    [InlineData("gradient", null)]
    [InlineData("saliency", null)]
    [InlineData("input-x-gradient", null)]
    [InlineData("guided-backprop", null)]
    [InlineData("deconvnet", null)]
    [InlineData("integrated-gradients", null)]
    [InlineData("integrated-gradients", "guided-backprop")]
    public void Export_EveryMethod_PassesTheOnnxCheckersFullCheck(string method, string? over)
    {
        string python = ExternalTools.RequirePythonModule("onnx", "python3-onnx");
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        using var dir = new TempDirectory();
        string path = dir.File($"{method}.onnx");

        global::Onnx.ModelProto graph = ExplanationGraphExport.Export(model, method, [2, 1, 128, 128], new AttributionOptions { Steps = 3, Over = over });
        File.WriteAllBytes(path, graph.ToByteArray());

        // full_check runs ONNX's shape inference in strict mode: every output typed and every shape consistent.
        string report = ExternalTools.Run(python, "-c",
            "import onnx, sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); " +
            "print(m.producer_name, [d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim])", path);
        Assert.Equal("MedExplain [2, 1, 128, 128]", report.Trim());
        Assert.Contains(method, graph.DocString, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_MultiPassMethod_SaysWhichMethodsExport()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));

        var error = Assert.Throws<MedExplainParameterException>(() => ExplanationGraphExport.Export(model, "smoothgrad", [1, 1, 128, 128]));

        Assert.Contains("saliency", error.Message, StringComparison.Ordinal);
    }
}
