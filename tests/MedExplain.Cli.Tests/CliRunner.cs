namespace MedExplain.Cli.Tests;

/// <summary>Runs the CLI in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = MedExplainCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Starts the real command as a process of its own (for commands that start processes themselves, such
    /// as batch run); its output and error are redirected.</summary>
    public static System.Diagnostics.Process StartProcess(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "medexplain.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return System.Diagnostics.Process.Start(start)!;
    }
}
