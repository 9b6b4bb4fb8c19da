namespace MedExplain.Server;

/// <summary>What <c>medexplain serve</c> serves: explain output folders to view, a reader study, and where accounts,
/// ratings and drawings are kept.</summary>
/// <param name="CaseFolders">Folders with a case list (written by explain or the demo); may be empty.</param>
/// <param name="Database">The study database: accounts (created by <c>medexplain study add-rater</c>), ratings, drawings.</param>
/// <param name="StudyFile">A study file to run, or null.</param>
/// <param name="DataFolder">The server's own files (the keys that sign its cookies), outside every served folder.</param>
internal sealed record ServerOptions(IReadOnlyList<string> CaseFolders, string Database, string? StudyFile, string DataFolder)
{
    /// <summary>The largest request body a page may post (sign-in and rating forms).</summary>
    public const long MaxFormBytes = 64 * 1024;

    /// <summary>The largest drawing accepted: one byte per voxel, so a 512×512×512 volume at most.</summary>
    public const long MaxDrawingVoxels = 512L * 512 * 512;
}
