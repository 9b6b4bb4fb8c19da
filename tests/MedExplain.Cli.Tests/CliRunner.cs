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
}
