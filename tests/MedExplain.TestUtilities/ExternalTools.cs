using System.Diagnostics;

namespace MedExplain.TestUtilities;

/// <summary>Runs tools no one here wrote (dcmtk, gdcm, nibabel) to make and check files.</summary>
/// <remarks>
/// A test that needs a missing tool is skipped and says which package gives it, except when the
/// environment sets MEDEXPLAIN_REQUIRE_TOOLS=1 (as .ci/run does): then a missing tool is a failure.
/// </remarks>
public static class ExternalTools
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> PythonsWith = new(StringComparer.Ordinal);

    /// <summary>Skips (or, in CI, fails) unless <paramref name="command"/> is on the PATH.</summary>
    /// <param name="command">The tool, such as dcmdump.</param>
    /// <param name="package">The Debian package that installs it.</param>
    public static void Require(string command, string package) => RequireThat(OnPath(command) is not null, $"{command} (Debian package {package})");

    /// <summary>Gets a python3 that can import nibabel, skipping (or failing in CI) when none can.</summary>
    public static string RequireNibabel() => RequirePythonModule("nibabel", "python3-nibabel");

    /// <summary>Gets a python3 that can import <paramref name="module"/>, skipping (or failing in CI) when none can.</summary>
    /// <param name="module">The module, such as onnx.</param>
    /// <param name="package">The Debian package that installs it.</param>
    public static string RequirePythonModule(string module, string package)
    {
        string? python = PythonsWith.GetOrAdd(module, FindPythonWith);
        RequireThat(python is not null, $"python3 with {module} (Debian package {package})");
        return python!;
    }

    /// <summary>Runs a command and returns its standard output; fails the test with its standard error on a non-zero exit.</summary>
    /// <param name="command">The program.</param>
    /// <param name="arguments">Its arguments, passed without a shell.</param>
    public static string Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}");
        }

        return output;
    }

    public static void RequireThat(bool available, string what)
    {
        if (available)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("MEDEXPLAIN_REQUIRE_TOOLS") == "1")
        {
            throw new InvalidOperationException($"{what} is required (MEDEXPLAIN_REQUIRE_TOOLS=1) but missing.");
        }

        Xunit.Skip.If(true, $"needs {what}");
    }

    public static string? OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, command)).FirstOrDefault(File.Exists);

    // Debian's python3 holds the python3-* packages; a python3 earlier on the PATH (pyenv, venv) may not.
    private static string? FindPythonWith(string module) =>
        new[] { "/usr/bin/python3", OnPath("python3") }.Where(p => p is not null && File.Exists(p)).FirstOrDefault(p =>
        {
            try
            {
                Run(p!, "-c", "import " + module);
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        });
}
