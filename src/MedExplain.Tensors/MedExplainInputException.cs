namespace MedExplain;

/// <summary>Bad input from the user: a file that is missing, unreadable, malformed or does not fit the model, or (as
/// <see cref="MedExplainParameterException"/>) a parameter whose value cannot be used.</summary>
/// <remarks>The message always starts with <see cref="Subject"/>, so a CLI can show it as it is and exit with code 2.</remarks>
public class MedExplainInputException : Exception
{
    /// <summary>Creates the exception for a problem with one file.</summary>
    /// <param name="path">The file the problem is in.</param>
    /// <param name="problem">What is wrong, in one sentence.</param>
    /// <param name="innerException">The low-level cause, if any.</param>
    public MedExplainInputException(string path, string problem, Exception? innerException = null)
        : this(path, problem, innerException, isFile: true)
    {
    }

    private protected MedExplainInputException(string subject, string problem, Exception? innerException, bool isFile)
        : base($"{subject}: {problem}", innerException)
    {
        Subject = subject;
        FilePath = isFile ? subject : null;
        Problem = problem;
    }

    /// <summary>Gets what the problem is in, as the message starts: a file, or a parameter's name.</summary>
    public string Subject { get; }

    /// <summary>Gets the file the problem is in, or null when it is in a parameter.</summary>
    public string? FilePath { get; }

    /// <summary>Gets what is wrong with the input.</summary>
    public string Problem { get; }
}
