using MedExplain.Models;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests;

/// <summary>Every card and manifest the fuzzer (fuzz/run.sh card|manifest) found to crash or hang a reader: each must
/// now read or give a clear error naming the file.</summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string, string> Findings()
    {
        var data = new TheoryData<string, string>();
        foreach (string reader in new[] { "card", "manifest" })
        {
            string folder = RepoPaths.TestData(Path.Combine("fuzz", reader));
            foreach (string file in (Directory.Exists(folder) ? Directory.GetFiles(folder) : []).Order(StringComparer.Ordinal))
            {
                data.Add(reader, Path.GetFileName(file));
            }
        }

        // The seeds too, so the theory always has cases and the readers are replayed on valid input.
        foreach (string reader in new[] { "card", "manifest" })
        {
            foreach (string file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "fuzz", "seeds", reader)).Order(StringComparer.Ordinal))
            {
                data.Add(reader, "seed:" + Path.GetFileName(file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Findings))]
    public async Task FindingReadsOrGivesAClearError(string reader, string name)
    {
        string path = name.StartsWith("seed:", StringComparison.Ordinal)
            ? Path.Combine(RepoPaths.Root, "fuzz", "seeds", reader, name[5..])
            : RepoPaths.TestData(Path.Combine("fuzz", reader, name));
        var run = Task.Run(() =>
        {
            try
            {
                _ = reader == "card" ? (object)ModelCardReader.Read(path) : EvaluationSet.Load(path, null, null, "fuzz", 50);
            }
            catch (MedExplainInputException e)
            {
                Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
            }
        });

        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
