using System.Diagnostics;
using System.Globalization;
using MedExplain;
using MedExplain.Cli;

// Numbers print the same everywhere: scripts parse them.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// MEDEXPLAIN_MAX_MEMORY (512MB, 2GB) bounds the reads of every command; a command's --max-memory overrides it.
string? limit = Environment.GetEnvironmentVariable("MEDEXPLAIN_MAX_MEMORY");
long bytes = 0;
if (limit is not null && !(ByteSize.TryParse(limit, out bytes) && bytes <= MemoryLimit.AvailableBytes))
{
    Console.Error.WriteLine($"error: MEDEXPLAIN_MAX_MEMORY: '{limit}' is not a size such as 512MB or 2GB within this machine's {MemoryLimit.Format(MemoryLimit.AvailableBytes)}.");
    return ExitCodes.BadInput;
}

int code;
using (limit is null ? null : MemoryLimit.Use(bytes))
{
    code = MedExplainCli.Run(args, Console.Out, Console.Error);
}

// MEDEXPLAIN_REPORT_PEAK=1 prints the process's peak resident memory: the hostile-input tests bound it.
if (Environment.GetEnvironmentVariable("MEDEXPLAIN_REPORT_PEAK") == "1")
{
    using var process = Process.GetCurrentProcess();
    Console.Error.WriteLine($"peak resident memory: {process.PeakWorkingSet64} bytes");
}

return code;
