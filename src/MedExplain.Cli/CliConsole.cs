using MedExplain.Batching;
using MedExplain.Onnx;

namespace MedExplain.Cli;

/// <summary>Where commands write, and the one place that maps failures to messages and exit codes.</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>A job's progress: a bar redrawn in place when stderr is this process's terminal, else sparse lines.</summary>
    /// <param name="label">What the job is, or null.</param>
    public IProgress<BatchProgress> Progress(string? label = null) =>
        !Console.IsErrorRedirected && ReferenceEquals(Error, Console.Error)
            ? new Reports.ProgressBar(Error, label ?? "progress")
            : new Reports.ProgressLines(Error, label);

    /// <summary>Runs a command body: bad input prints one line and exits 2; anything else unexpected exits 1.</summary>
    public int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (MedExplainInputException e)
        {
            Error.WriteLine($"error: {Describe(e)}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The file system refused (a path that is a file, no permission, a full disk): the user can fix it.
            Error.WriteLine($"error: {e.Message.TrimEnd('.')}: check the path, its permissions and the free space.");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            Error.WriteLine("cancelled.");
            return ExitCodes.InternalError;
        }
#pragma warning disable CA1031 // The CLI boundary turns every other failure into a message and exit code 1.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            Error.WriteLine("This is a bug in MedExplain; please report it with the command you ran.");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>A user error in the command line's words: the library names its parameters, options are the same words
    /// with two dashes; a name the model lacks points to 'medexplain inspect'.</summary>
    public static string Describe(MedExplainInputException e) => e switch
    {
        MedExplainParameterException p => $"--{p.Parameter}: {p.Problem}",
        UnknownNameException { Kind: "node" } u => $"{e.Message}{(u.Hint.Length > 0 ? " " + u.Hint : string.Empty)} 'medexplain inspect' lists the weighted layers' node names under 'Layers'.",
        UnknownNameException u => $"{e.Message.TrimEnd('.')}{(u.Hint.Length > 0 ? ". " + u.Hint.TrimEnd('?', '.') + "?" : string.Empty)} (see 'medexplain inspect').",
        _ => e.Message,
    };

    /// <summary>Exit 0 when nothing failed; else each failed method's error and exit 2, saying the rest was written.</summary>
    public static int Failed(CliConsole console, IReadOnlyList<MedExplain.Pipelines.MethodFailure> failures, string report)
    {
        foreach (MedExplain.Pipelines.MethodFailure failure in failures)
        {
            console.Error.WriteLine($"error: {failure.Method}: {Describe(failure.Error)}");
        }

        if (failures.Count == 0)
        {
            return ExitCodes.Success;
        }

        console.Error.WriteLine($"{failures.Count} method(s) failed; what the others finished is written ({report}).");
        return ExitCodes.BadInput;
    }
}
