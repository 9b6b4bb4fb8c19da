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
        FloatTensor scan = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-03-infarct.png"), model);
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
    public void Export_MultiPassMethod_SaysWhichMethodsExport()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));

        var error = Assert.Throws<MedExplainInputException>(() => ExplanationGraphExport.Export(model, "smoothgrad", [1, 1, 128, 128]));

        Assert.Contains("saliency", error.Message, StringComparison.Ordinal);
    }
}
