using MedExplain.Pipelines.Viewing;

namespace MedExplain.Server;

/// <summary>A case of a served folder: its entry in the folder's case list and the folder (full path).</summary>
internal sealed record ServedCase(ExplainedCase Case, string Folder);

/// <summary>The cases of every served folder, numbered in order: pages and requests name a case by its number only.</summary>
internal sealed class CaseCatalog
{
    private CaseCatalog(IReadOnlyList<ServedCase> cases) => Cases = cases;

    /// <summary>Gets the cases.</summary>
    public IReadOnlyList<ServedCase> Cases { get; }

    /// <summary>Reads each folder's case list.</summary>
    /// <exception cref="MedExplainInputException">A folder without a list, or with a list that names files outside it.</exception>
    public static CaseCatalog Load(IEnumerable<string> folders) =>
        new([.. folders.Select(Path.GetFullPath).SelectMany(folder => CaseList.Read(folder).Select(c => new ServedCase(c, folder)))]);

    /// <summary>The case with this number, or null.</summary>
    public ServedCase? Find(int number) => number >= 0 && number < Cases.Count ? Cases[number] : null;
}
