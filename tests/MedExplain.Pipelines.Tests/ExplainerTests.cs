using System.Reflection;
using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Pipelines;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests;

/// <summary>The explain use case from a C# program, without the CLI: a demo scan explained, its maps on the scan's own
/// grid; and the layers' direction (no library depends on the command line).</summary>
public sealed class ExplainerTests
{
    [Fact]
    public void Explain_DemoTumourSlice_PredictsTheTumourAndMapsOntoTheScansGrid()
    {
        var request = new ExplainRequest(
            RepoPaths.DemoModel("brain-lesion-2d"), null, RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz"), new ImageReadOptions(), null,
            ["gradient", "occlusion"], ClassTarget.Predicted, new AttributionOptions(), null, new Dictionary<string, string>())
        {
            Occlusion = new OcclusionSizes(Extent.Parse("16mm", "window"), null),
        };
        var log = new List<string>();

        Explanation explanation = Explainer.Explain(request, log.Add);

        Assert.Equal("tumour", explanation.Prediction.ClassName);
        Assert.Equal(["gradient", "occlusion"], explanation.Maps.Select(m => m.Method));
        Assert.All(explanation.Maps, m => Assert.Equal(explanation.Input.Scan.VoxelsPerChannel, m.OnScan.Length));
        Assert.Contains(log, line => line.StartsWith("method 2/2: occlusion", StringComparison.Ordinal));
    }

    [Fact]
    public void Explain_TypedSettings_GiveTheMapsOfTheSameOptionsByName()
    {
        var byName = new ExplainRequest(
            RepoPaths.DemoModel("brain-lesion-2d"), null, RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz"), new ImageReadOptions(), null,
            ["smoothgrad"], ClassTarget.Predicted, new AttributionOptions { Samples = 3, Over = "guided-backprop" }, null, new Dictionary<string, string>());
        ExplainRequest typed = byName with { Methods = null, Options = new AttributionOptions(), Settings = [new SmoothGrad { Samples = 3, Over = new GuidedBackprop() }] };

        MethodMap expected = Explainer.Explain(byName).Maps.Single(), actual = Explainer.Explain(typed).Maps.Single();

        Assert.Equal("smoothgrad-over-guided-backprop", actual.Method);
        Assert.Equal(expected.OnScan, actual.OnScan);
        Assert.Contains(AttributionMethods.Describe("guided-backprop").Summary, actual.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8", new[] { 8, 8 })]
    [InlineData("4,6", new[] { 4, 6 })]
    [InlineData("10mm", new[] { 5, 10 })] // 2 mm and 1 mm per voxel
    [InlineData("3mm,4", new[] { 2, 4 })]
    public void Extent_ToVoxels_ReadsVoxelsAndMillimetres(string text, int[] expected)
    {
        Assert.Equal(expected, Extent.Parse(text, "window").ToVoxels(2, [2.0, 1.0], "window"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2mm")]
    [InlineData("NaN")]
    [InlineData("eight")]
    public void Extent_Parse_RefusesWhatIsNoPositiveSize(string text)
    {
        var error = Assert.Throws<MedExplainParameterException>(() => Extent.Parse(text, "window"));
        Assert.Equal("window", error.Parameter);
        Assert.Contains("is not a positive size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Libraries_DoNotDependOnTheCommandLine()
    {
        Assembly[] libraries = [typeof(Explainer).Assembly, typeof(MedicalImage).Assembly, typeof(AttributionMethods).Assembly];

        foreach (Assembly library in libraries)
        {
            Assert.DoesNotContain(library.GetReferencedAssemblies(), a => a.Name is "System.CommandLine" or "medexplain");
        }
    }

    [Fact]
    public void Imaging_DependsOnNoEngine()
    {
        // Formats, geometry and rendering need no model runtime: reading a DICOM file loads no ONNX Runtime.
        foreach (Assembly library in new[] { typeof(MedicalImage).Assembly, typeof(FloatTensor).Assembly })
        {
            Assert.DoesNotContain(library.GetReferencedAssemblies(), a => a.Name is "Microsoft.ML.OnnxRuntime" or "MedExplain.Core" or "OnnxSharp");
        }
    }

    [Fact]
    public void LibrarySources_SpeakNoCommandLine()
    {
        // Libraries name their parameters ("method"), never a flag ("--method") or a command ("medexplain inspect"):
        // the CLI translates.
        string[] offending = [.. new[] { "MedExplain.Tensors", "MedExplain.Core", "MedExplain.Imaging", "MedExplain.Pipelines", "MedExplain.Cluster" }
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src", project), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, i)))
            .Where(l => !l.line.TrimStart().StartsWith("///", StringComparison.Ordinal) && !l.line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Where(l => System.Text.RegularExpressions.Regex.IsMatch(l.line, @"[""'(\s]--[a-z]") || l.line.Contains("'medexplain ", StringComparison.Ordinal))
            .Select(l => $"{Path.GetFileName(l.file)}:{l.i + 1}")];

        Assert.Empty(offending);
    }
}
