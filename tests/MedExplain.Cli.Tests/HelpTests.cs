using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>Every command's help: each option described, and the whole text equal to its snapshot in
/// tests/TestData/help (a change to an option shows in the diff; MEDEXPLAIN_UPDATE_SNAPSHOTS=1 rewrites them).</summary>
public sealed class HelpTests
{
    public static TheoryData<string> Commands => ["demo", "inspect", "explain", "evaluate", "fit-patterns", "image-info", "convert", "predict", "attribute", "compile", "concepts", "index", "similar", "study", "study add-rater", "study export", "study analyze", "study benchmark", "serve", "batch", "batch run", "batch status", "batch worker", "cluster", "cluster silo", "cluster submit", "cluster status"];

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_EveryCommand_DescribesEveryOption(string command)
    {
        (int code, string output, _) = CliRunner.Run([.. command.Split(' '), "--help"]);

        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        foreach (string line in output.Split('\n').Where(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal)))
        {
            Assert.True(line.Trim().Split("  ", StringSplitOptions.RemoveEmptyEntries).Length >= 2, $"option without a description: {line}");
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_EveryCommand_EqualsItsSnapshot(string command)
    {
        string snapshot = RepoPaths.TestData($"help/{command.Replace(' ', '-')}.txt");
        (_, string output, _) = CliRunner.Run([.. command.Split(' '), "--help"]);
        string text = output.ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("MEDEXPLAIN_UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(snapshot)!);
            File.WriteAllText(snapshot, text);
        }

        Assert.True(File.Exists(snapshot), $"no snapshot for '{command} --help': run the tests once with MEDEXPLAIN_UPDATE_SNAPSHOTS=1");
        Assert.Equal(File.ReadAllText(snapshot).ReplaceLineEndings("\n"), text);
    }
}
