namespace MedExplain.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData("demo")]
    [InlineData("inspect")]
    [InlineData("predict")]
    [InlineData("attribute")]
    public void Help_EveryCommand_DescribesEveryOption(string command)
    {
        (int code, string output, _) = CliRunner.Run(command, "--help");

        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        foreach (string line in output.Split('\n').Where(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal)))
        {
            Assert.True(line.Trim().Split("  ", StringSplitOptions.RemoveEmptyEntries).Length >= 2, $"option without a description: {line}");
        }
    }
}
