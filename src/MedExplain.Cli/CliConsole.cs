using MedExplain.Onnx;

namespace MedExplain.Cli;

/// <summary>Where commands write, and the one place that maps failures to messages and exit codes.</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Runs a command body: bad input prints one line and exits 2; anything else unexpected exits 1.</summary>
    public int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (MedExplainParameterException e)
        {
            // The library names its parameters; options are the same words with two dashes.
            Error.WriteLine($"error: --{e.Parameter}: {e.Problem}");
            return ExitCodes.BadInput;
        }
        catch (UnknownNameException e)
        {
            Error.WriteLine($"error: {e.Message.TrimEnd('.')} (see 'medexplain inspect').");
            return ExitCodes.BadInput;
        }
        catch (MedExplainInputException e)
        {
            Error.WriteLine($"error: {e.Message}");
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
}
