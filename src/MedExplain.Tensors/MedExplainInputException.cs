namespace MedExplain;

/// <summary>Bad input from the user: a file that is missing, unreadable, malformed or does not fit the model.</summary>
/// <remarks>The message always starts with the offending file, so a CLI can show it as it is and exit with code 2.</remarks>
public class MedExplainInputException : Exception
{
    /// <summary>Creates the exception for a problem with one file.</summary>
    /// <param name="path">The file the problem is in.</param>
    /// <param name="problem">What is wrong, in one sentence.</param>
    /// <param name="innerException">The low-level cause, if any.</param>
    public MedExplainInputException(string path, string problem, Exception? innerException = null)
        : base($"{path}: {problem}", innerException)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>Gets the file the problem is in.</summary>
    public string FilePath { get; }

    /// <summary>Gets what is wrong with the input.</summary>
    public string Problem { get; }
}
