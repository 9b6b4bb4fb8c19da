using System.Net;
using System.Net.Sockets;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>serve: what it is given is checked before it listens; bad input exits 2 naming the option or file.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Serve_NothingToServe_ExitsTwo()
    {
        (int code, _, string error) = CliRunner.Run("serve", "--db", _temp.File("study.db"));
        Assert.Equal(2, code);
        Assert.Contains("--cases", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_AFolderWithoutACaseList_ExitsTwoNamingIt()
    {
        (int code, _, string error) = CliRunner.Run("serve", "--db", _temp.File("study.db"), "--cases", _temp.Path);
        Assert.Equal(2, code);
        Assert.Contains(_temp.Path, error, StringComparison.Ordinal);
        Assert.Contains("cases.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_ABrokenStudyFile_ExitsTwoNamingIt()
    {
        string study = _temp.Write("study.json", "{ \"study\": \"s\" }");
        (int code, _, string error) = CliRunner.Run("serve", "--db", _temp.File("study.db"), "--study", study);
        Assert.Equal(2, code);
        Assert.Contains("study.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_APortInUse_ExitsTwoNamingUrls()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        string study = _temp.Write("study.json", $$"""
            { "study": "s", "scale": { "min": 1, "max": 5 },
              "cases": [ { "id": "a", "scan": "{{RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz").Replace("\\", "/", StringComparison.Ordinal)}}", "maps": { "m": "{{RepoPaths.DemoScan("2d/slice-02-tumour-mask.nii.gz").Replace("\\", "/", StringComparison.Ordinal)}}" } } ] }
            """);
        (int code, _, string error) = CliRunner.Run("serve", "--db", _temp.File("study.db"), "--study", study, "--urls", $"http://127.0.0.1:{port}");
        Assert.Equal(2, code);
        Assert.Contains("--urls", error, StringComparison.Ordinal);
    }
}
