namespace MedExplain.Core.Tests;

/// <summary>A problem names what it is in: a file has a path, a parameter has no file.</summary>
public sealed class InputExceptionTests
{
    [Fact]
    public void FileProblem_HasTheFileAsSubjectAndPath()
    {
        var e = new MedExplainInputException("scan.nii", "is truncated.");

        Assert.Equal(("scan.nii", "scan.nii", "scan.nii: is truncated."), (e.Subject, e.FilePath, e.Message));
    }

    [Fact]
    public void ParameterProblem_HasNoFile()
    {
        var e = new MedExplainParameterException("steps", "must be from 1 to 10000, not 0.");

        Assert.Null(e.FilePath);
        Assert.Equal(("steps", "steps"), (e.Subject, e.Parameter));
    }
}

/// <summary>Suggestions for mistyped names: near ones only.</summary>
public sealed class NameSuggestionTests
{
    [Theory]
    [InlineData("gradcam", " Did you mean 'grad-cam'?")]
    [InlineData("integrated-gradient", " Did you mean 'integrated-gradients'?")]
    [InlineData("magic", "")]
    [InlineData("x", "")]
    public void For_AName_SuggestsOnlyANearOne(string given, string expected)
    {
        Assert.Equal(expected, NameSuggestion.For(given, MedExplain.Methods.AttributionMethods.Names));
    }
}
