namespace MedExplain.Server;

/// <summary>What <c>medexplain serve</c> serves: explain output folders to view, a reader study, and where accounts,
/// ratings and drawings are kept.</summary>
/// <param name="CaseFolders">Folders with a case list (written by explain or the demo); may be empty.</param>
/// <param name="Database">The study database: accounts (created by <c>medexplain study add-rater</c>), ratings, drawings.</param>
/// <param name="StudyFile">A study file to run, or null.</param>
/// <param name="DataFolder">The server's own files (the keys that sign its cookies, uploads and their explanations),
/// outside every served folder.</param>
internal sealed record ServerOptions(IReadOnlyList<string> CaseFolders, string Database, string? StudyFile, string DataFolder)
{
    /// <summary>Gets the model that explains uploaded scans, or null: no uploads.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the model's card, or null.</summary>
    public string? Card { get; init; }

    /// <summary>Gets the largest upload accepted.</summary>
    public long MaxUploadBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Gets how many sign-ins one address may try a minute: each costs a password hash (about 0.3 s of a core),
    /// so unbounded tries would guess passwords and starve the server.</summary>
    public int SignInsPerMinute { get; init; } = 30;

    /// <summary>Gets how many uploads one account may keep (they are deleted from the uploads page).</summary>
    public int MaxUploadsPerRater { get; init; } = 20;

    /// <summary>The largest request body a page may post (sign-in and rating forms).</summary>
    public const long MaxFormBytes = 64 * 1024;

    /// <summary>The largest drawing accepted: one byte per voxel, so a 512×512×512 volume at most.</summary>
    public const long MaxDrawingVoxels = 512L * 512 * 512;
}
