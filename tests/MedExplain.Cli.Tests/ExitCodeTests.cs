using MedExplain.Onnx;
using MedExplain.Onnx.Backward;

namespace MedExplain.Cli.Tests;

/// <summary>The exit-code contract: 2 for what the user or the environment can fix, named in one line; 1 only for a bug.</summary>
public sealed class ExitCodeTests
{
    public static TheoryData<Exception, int, string> Failures() => new()
    {
        { new MedExplainInputException("scan.nii", "is truncated."), 2, "error: scan.nii: is truncated." },
        { new MedExplainParameterException("steps", "must be from 1 to 10000, not 0."), 2, "error: --steps: must be" },
        { new UnknownNameException("model.onnx", "tensor", "conv9"), 2, "(see 'medexplain inspect')" },
        { new UnsupportedModelException("model.onnx", [("n1", "Scan")], "gradient"), 2, "error: model.onnx: the gradient rules" },
        { new FileNotFoundException("Could not find file '/x/y'."), 2, "error: Could not find file" },
        { new DirectoryNotFoundException("Could not find a part of the path '/x'."), 2, "check the path" },
        { new UnauthorizedAccessException("Access to the path 'results/x.npy' is denied."), 2, "permissions" },
        { new IOException("No space left on device : '/full/x'"), 2, "free space" },
        { new OperationCanceledException(), 1, "cancelled" },
        { new InvalidOperationException("a bug"), 1, "This is a bug in MedExplain" },
        { new KeyNotFoundException("k"), 1, "internal error: KeyNotFoundException" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Guard_MapsEachFailureToItsExitCode(Exception failure, int expected, string message)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = new CliConsole(output, error).Guard(() => throw failure);

        Assert.Equal(expected, code);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }
}
