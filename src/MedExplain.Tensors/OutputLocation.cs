namespace MedExplain;

/// <summary>Checks where results will go before any work starts: a location that cannot be written, or that is one of
/// the inputs, is refused up front instead of after minutes of work or by overwriting the input.</summary>
public static class OutputLocation
{
    /// <summary>Checks an output file: not a folder, not one of <paramref name="inputs"/>, and its folder writable.</summary>
    /// <param name="path">The file to be written.</param>
    /// <param name="parameter">The parameter that names it, for messages.</param>
    /// <param name="inputs">The files and folders the work reads (nulls are skipped).</param>
    /// <exception cref="MedExplainParameterException">It cannot be written, or it is an input.</exception>
    public static void CheckFile(string path, string parameter, params IEnumerable<string?> inputs)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(inputs);
        if (Directory.Exists(path))
        {
            throw new MedExplainParameterException(parameter, $"'{path}' is a folder; give a file name.");
        }

        string target = Resolved(path);
        foreach (string input in inputs.OfType<string>())
        {
            if (string.Equals(Resolved(input), target, StringComparison.Ordinal))
            {
                throw new MedExplainParameterException(parameter, $"'{path}' is the input '{input}'; writing there would destroy it. Choose another file.");
            }
        }

        Probe(Path.GetDirectoryName(Path.GetFullPath(path))!, parameter, path);
    }

    /// <summary>Checks an output folder: created if missing, not a file, not one of <paramref name="inputs"/>, writable.</summary>
    /// <param name="folder">The folder results go to.</param>
    /// <param name="parameter">The parameter that names it, for messages.</param>
    /// <param name="inputs">The files and folders the work reads (nulls are skipped).</param>
    /// <exception cref="MedExplainParameterException">It cannot be written, or it is an input.</exception>
    public static void CheckFolder(string folder, string parameter, params IEnumerable<string?> inputs)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(inputs);
        if (File.Exists(folder))
        {
            throw new MedExplainParameterException(parameter, $"'{folder}' is a file; results go into a folder.");
        }

        string target = Resolved(folder);
        if (inputs.OfType<string>().FirstOrDefault(input => string.Equals(Resolved(input), target, StringComparison.Ordinal)) is { } same)
        {
            throw new MedExplainParameterException(parameter, $"'{folder}' is the input '{same}'; choose a folder of its own for the results.");
        }

        Probe(Path.GetFullPath(folder), parameter, folder);
    }

    /// <summary>Creates the folder if need be and writes and removes a file in it.</summary>
    private static void Probe(string folder, string parameter, string given)
    {
        string probe = Path.Combine(folder, $".medexplain-write-check-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MedExplainParameterException(parameter, $"'{given}' cannot be written: {e.Message}");
        }
    }

    /// <summary>The full path with symbolic links followed, so two names of one file compare equal.</summary>
    private static string Resolved(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
            return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full; // a link loop: the name itself is all there is to compare
        }
    }
}
