using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>The same option is refused the same way by every command (AttributionOptions.Validate is the one check):
/// explain and compile used to clamp --steps 0 to 1 without a word.</summary>
public sealed class OptionValidationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string[], string> Refused => new()
    {
        { ["explain", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-02-tumour.png"), "--steps", "0"], "--steps: must be from 1 to 10000, not 0" },
        { ["explain", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-02-tumour.png"), "--samples", "-3"], "--samples: must be from 1 to 1000000, not -3" },
        { ["compile", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--method", "integrated-gradients", "--steps", "0"], "--steps: must be from 1 to 10000, not 0" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void EveryCommand_RefusesAnOutOfRangeOption(string[] args, string expected)
    {
        (int code, _, string error) = CliRunner.Run([.. args, args[0] == "compile" ? "--output" : "--out", _temp.File(args[0] == "compile" ? "e.onnx" : "out")]);

        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
