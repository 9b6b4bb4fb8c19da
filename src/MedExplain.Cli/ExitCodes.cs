namespace MedExplain.Cli;

/// <summary>The process exit codes every command uses.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int InternalError = 1;
    public const int BadInput = 2;
}
