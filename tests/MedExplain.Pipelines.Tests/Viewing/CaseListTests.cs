using MedExplain.Pipelines.Viewing;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests.Viewing;

public sealed class CaseListTests
{
    private static ExplainedCase Case(string scan) =>
        new("c", scan, null, null, "m", "tumour", 0.9, null, [new ExplainedMap("gradient", "maps/c-gradient.nii.gz", 0.5f, true)]);

    [Fact]
    public void WriteThenRead_KeepsEveryField()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.File("maps"));
        temp.Write("maps/c-scan.nii.gz", [1]);
        temp.Write("maps/c-gradient.nii.gz", [1]);
        ExplainedCase written = Case("maps/c-scan.nii.gz") with { Summary = "Predicted tumour (90.0%)." };
        CaseList.Write(temp.Path, [written]);
        ExplainedCase read = Assert.Single(CaseList.Read(temp.Path));
        Assert.Equal(written with { Maps = [] }, read with { Maps = [] });
        Assert.Equal(written.Maps, read.Maps);
    }

    [Theory]
    [InlineData("../outside.nii.gz")]
    [InlineData("maps/../../outside.nii.gz")]
    [InlineData("/etc/passwd")]
    public void Read_ListNamingAFileOutsideItsFolder_IsRefused(string scan)
    {
        using var temp = new TempDirectory();
        string folder = temp.File("out");
        Directory.CreateDirectory(Path.Combine(folder, "maps"));
        temp.Write("outside.nii.gz", [1]);
        File.WriteAllBytes(Path.Combine(folder, "maps/c-gradient.nii.gz"), [1]);
        CaseList.Write(folder, [Case(scan)]);
        var error = Assert.Throws<MedExplainInputException>(() => CaseList.Read(folder));
        Assert.Contains("outside its folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FolderWithoutList_SaysWhichFolderToGive()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<MedExplainInputException>(() => CaseList.Read(temp.Path));
        Assert.Contains("cases.json", error.Message, StringComparison.Ordinal);
    }
}
