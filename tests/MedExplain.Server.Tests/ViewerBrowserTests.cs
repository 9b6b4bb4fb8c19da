using System.Text.Json;
using MedExplain.Imaging;
using MedExplain.Pipelines.Studies;
using MedExplain.TestUtilities;
using Microsoft.Playwright;
using SkiaSharp;

namespace MedExplain.Server.Tests;

/// <summary>
/// The pages in a real browser: Debian's headless Chromium (WebGL2 through SwiftShader) driven by Playwright. A case's
/// map must colour the lesion and leave relevance-free tissue grey; switching method must change the colours; a rater
/// signs in, rates, draws, reloads and finds both kept, and nothing a rater's browser sees or asks names the method.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ViewerBrowserTests : IAsyncLifetime
{
    /// <summary>NiiVue's SLICE_TYPE.MULTIPLANAR.</summary>
    private const int NiivueMultiplanar = 3;

    private ServedStudy _served = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync() => _served = await ServedStudy.Start();

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_served is not null)
        {
            await _served.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task CaseView_ColoursTheLesion_LeavesZeroRelevanceGrey_AndSwitchingMethodChangesTheColours()
    {
        IPage page = await SignedIn("r1", "/cases/0");
        await Loaded(page);
        Assert.Contains("A summary.", await page.InnerTextAsync("#summary"), StringComparison.Ordinal);

        (int i, int j) lesion = InsideLesion(), tissue = RelevanceFreeTissue();
        SKColor onLesion = await ColourAt(page, lesion), onTissue = await ColourAt(page, tissue);
        Assert.True(onLesion.Red > onLesion.Blue + 60 && onLesion.Green > onLesion.Blue + 30, $"the lesion shows {onLesion}, not the warm colours of positive relevance");
        Assert.True(IsGrey(onTissue) && onTissue.Red > 20, $"relevance-free tissue shows {onTissue}, not the scan's grey");

        // The control's map is negative on the lesion: cool colours.
        await page.SelectOptionAsync("#map-select", "1");
        await page.WaitForFunctionAsync("() => window.medexplainViewer.mapShown === 'control-shuffled'");
        SKColor switched = await ColourAt(page, lesion);
        Assert.True(switched.Blue > switched.Red + 40 || switched.Green > switched.Red + 40, $"after switching, the lesion shows {switched}, not the cool colours of negative relevance");
        Assert.True(IsGrey(await ColourAt(page, tissue)));

        // Side by side: a second viewer with the other map.
        await page.CheckAsync("#compare");
        await page.WaitForFunctionAsync("() => window.medexplainViewer.compareReady === true");
        Assert.Equal("lesion-positive", await page.InnerTextAsync("#caption-compare"));
    }

    [SkippableFact]
    public async Task CaseView_OfAVolume_OpensInThreePlanes_AndSaysWhenAMapIsZeroEverywhere()
    {
        IPage page = await SignedIn("r1", "/cases/1");
        await Loaded(page);
        Assert.Equal(NiivueMultiplanar, await page.EvaluateAsync<int>("() => window.medexplainViewer.main.opts.sliceType"));
        Assert.False(await page.IsHiddenAsync("#view"));

        await page.SelectOptionAsync("#map-select", "1");
        await page.WaitForFunctionAsync("() => window.medexplainViewer.mapShown === 'zero'");
        Assert.Equal("zero: zero everywhere, nothing to show", await page.InnerTextAsync("#caption-main"));
        Assert.Equal(0, await page.EvaluateAsync<double>("() => window.medexplainViewer.main.volumes[1].opacity"));
    }

    [SkippableFact]
    public async Task Study_RateDrawReload_KeepsRatingAndDrawing_OnTheScansGrid_WithoutNamingTheMethod()
    {
        var requested = new List<string>();
        IPage page = await SignedIn("r1", "/study");
        page.Request += (_, request) => requested.Add(request.Url);
        StudyTrial trial = _served.Design.Trials("r1").First(t => t.Case == "case-a");
        await page.GotoAsync($"{_served.Url}/study/{trial.Token}");
        await Loaded(page);

        await page.CheckAsync("input[name=score][value='4']");
        await page.ClickAsync("#rating button[type=submit]");
        await page.WaitForURLAsync(url => !url.EndsWith(trial.Token, StringComparison.Ordinal));
        await page.GotoAsync($"{_served.Url}/study/{trial.Token}");
        await Loaded(page);
        Assert.True(await page.IsCheckedAsync("input[name=score][value='4']"));
        Assert.Contains("Saved: 4", await page.InnerTextAsync("#saved-rating"), StringComparison.Ordinal);

        // Draw a stroke across the lesion, save it, and find it stored on the scan's grid.
        (int i, int j) from = InsideLesion(), to = (from.i + 6, from.j);
        await page.ClickAsync("#draw");
        (double x0, double y0) = await PagePosition(page, from);
        (double x1, double y1) = await PagePosition(page, to);
        await page.Mouse.MoveAsync((float)x0, (float)y0);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((float)x1, (float)y1, new MouseMoveOptions { Steps = 12 });
        await page.Mouse.UpAsync();
        await page.ClickAsync("#save-drawing");
        await page.WaitForFunctionAsync("() => window.medexplainViewer.drawingSaved === true");

        using (StudyStore store = StudyStore.Open(_served.Database))
        {
            (_, _, byte[] nifti) = Assert.Single(store.Drawings(ServedStudy.Study, "r1", "case-a"));
            string file = Path.Combine(_served.Folder, "drawn.nii.gz");
            File.WriteAllBytes(file, nifti);
            MedicalImage drawing = MedicalImageReader.Read(file);
            MedicalImage scan = _served.Scan;
            Assert.Equal(scan.Dims, drawing.Dims);
            Assert.True(drawing.Affine.MaxDifference(_served.ScanAsStored.Affine) == 0, $"{drawing.Affine} is not the scan's {scan.Affine}");
            var marked = drawing.Voxels.Select((v, n) => (v, n)).Where(p => p.v > 0).Select(p => $"({p.n % scan.Dims[0]},{p.n / scan.Dims[0]})").ToList();
            Assert.True(drawing.Voxels[scan.Index(from.i, from.j, 0)] > 0, $"the stroke's first voxel {from} is not in the stored mask: {string.Join(" ", marked.Take(40))} ({marked.Count}) {scan.Affine}");
            Assert.True(drawing.Voxels[scan.Index(from.i + 3, from.j, 0)] > 0, "the stroke's middle is not in the stored mask");
            Assert.Equal(0, drawing.Voxels[scan.Index(from.i, from.j + 10, 0)]);
        }

        await page.ReloadAsync();
        await Loaded(page);
        Assert.True(await page.EvaluateAsync<int>("() => window.medexplainViewer.main.drawBitmap.reduce((n, v) => n + (v > 0), 0)") > 0, "the saved drawing is not shown again after a reload");

        string html = await page.ContentAsync();
        foreach (string method in ServedStudy.Methods)
        {
            Assert.DoesNotContain(method, html, StringComparison.Ordinal);
            Assert.DoesNotContain(requested, url => url.Contains(method, StringComparison.Ordinal));
        }
    }

    /// <summary>Debian's Chromium, started once per test; WebGL2 runs on SwiftShader, as on a machine without a GPU.</summary>
    private async Task<IBrowser> Browser()
    {
        ExternalTools.Require("chromium", "chromium");
        _playwright ??= await Playwright.CreateAsync();
        return _browser ??= await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExternalTools.OnPath("chromium"),
            Headless = true,
            Args = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
        });
    }

    private async Task<IPage> SignedIn(string rater, string path)
    {
        IPage page = await (await Browser()).NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        await page.GotoAsync(_served.Url + path);
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
        await page.FillAsync("input[name=rater]", rater);
        await page.FillAsync("input[name=password]", ServedStudy.Password);
        await page.ClickAsync("form.signin button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
        if (!page.Url.EndsWith(path, StringComparison.Ordinal))
        {
            await page.GotoAsync(_served.Url + path);
        }

        return page;
    }

    private static async Task Loaded(IPage page)
    {
        await page.WaitForFunctionAsync("() => window.medexplainViewer && (window.medexplainViewer.loaded || window.medexplainViewer.error)");
        string? error = await page.EvaluateAsync<string?>("() => window.medexplainViewer.error ?? null");
        Assert.True(error is null, error);
        // The crosshair would cross the probed pixels.
        await page.EvaluateAsync("() => { const nv = window.medexplainViewer.main; nv.setCrosshairWidth(0); nv.drawScene(); }");
    }

    /// <summary>Where voxel (i, j) of the test slice is drawn, in page pixels: placed by our affine (voxel to mm) and
    /// NiiVue's own mm-to-screen mapping, so the voxel order the viewer uses inside does not enter the answer.</summary>
    private async Task<(double X, double Y)> PagePosition(IPage page, (int I, int J) voxel)
    {
        MedExplain.Imaging.Geometry.Vector3d mm = _served.Scan.Affine.Apply(voxel.I, voxel.J, 0);
        JsonElement at = await page.EvaluateAsync<JsonElement>("""
            ([x, y, z]) => {
              const nv = window.medexplainViewer.main;
              const p = nv.frac2canvasPos(nv.mm2frac([x, y, z]));
              const box = nv.canvas.getBoundingClientRect();
              return [box.left + p[0] * box.width / nv.canvas.width, box.top + p[1] * box.height / nv.canvas.height];
            }
            """, new[] { mm.X, mm.Y, mm.Z });
        return (at[0].GetDouble(), at[1].GetDouble());
    }

    private async Task<SKColor> ColourAt(IPage page, (int I, int J) voxel)
    {
        await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
        (double x, double y) = await PagePosition(page, voxel);
        using SKBitmap shot = SKBitmap.Decode(await page.ScreenshotAsync());
        return shot.GetPixel((int)x, (int)y);
    }

    private static bool IsGrey(SKColor c) => Math.Abs(c.Red - c.Green) < 12 && Math.Abs(c.Green - c.Blue) < 12;

    /// <summary>A lesion voxel three voxels or more from the lesion's edge (its outline is drawn on the edge).</summary>
    private (int I, int J) InsideLesion()
    {
        MedicalImage mask = _served.Lesion;
        var inside = new List<(int, int)>();
        for (int j = 3; j < mask.Dims[1] - 3; j++)
        {
            for (int i = 3; i < mask.Dims[0] - 3; i++)
            {
                if (Enumerable.Range(-3, 7).All(d => mask.Voxels[mask.Index(i + d, j, 0)] > 0 && mask.Voxels[mask.Index(i, j + d, 0)] > 0))
                {
                    inside.Add((i, j));
                }
            }
        }

        Assert.NotEmpty(inside);
        return inside[inside.Count / 2];
    }

    /// <summary>A bright tissue voxel far from the lesion, where every map is exactly zero.</summary>
    private (int I, int J) RelevanceFreeTissue()
    {
        MedicalImage scan = _served.Scan, mask = _served.Lesion;
        (int I, int J) lesion = InsideLesion();
        float bright = scan.Voxels.Where(v => v > 0).Order().ElementAt(scan.Voxels.Count(v => v > 0) * 3 / 4);
        for (int j = 2; j < scan.Dims[1] - 2; j++)
        {
            for (int i = 2; i < scan.Dims[0] - 2; i++)
            {
                if (Math.Abs(i - lesion.I) + Math.Abs(j - lesion.J) > 30 && mask.Voxels[mask.Index(i, j, 0)] == 0
                    && Enumerable.Range(-2, 5).All(d => scan.Voxels[scan.Index(i + d, j, 0)] >= bright && scan.Voxels[scan.Index(i, j + d, 0)] >= bright))
                {
                    return (i, j);
                }
            }
        }

        throw new InvalidOperationException("the scan has no bright tissue far from the lesion");
    }
}
