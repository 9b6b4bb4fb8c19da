using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedExplain.TestUtilities;

namespace MedExplain.Server.Tests;

/// <summary>Uploads: explained on demand with progress, shown to their owner alone, the uploaded file not kept; too
/// large, too many, unreadable or unsigned uploads refused with a reason.</summary>
public sealed class UploadTests
{
    [Fact]
    public async Task Upload_IsExplained_ShownToItsOwnerOnly_AndTheUploadedFileIsNotKept()
    {
        await using ServedStudy served = await ServedStudy.Start(o => o with { Model = RepoPaths.DemoModel("brain-lesion-2d") });
        using HttpClient owner = await served.SignIn("r1");
        using HttpResponseMessage posted = await Post(owner, File.ReadAllBytes(RepoPaths.DemoScan("2d/slice-02-tumour.png")), "Patient-Name.png");
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        string page = posted.Headers.Location!.OriginalString;
        Assert.Matches("^/uploads/[0-9a-f]{32}$", page);

        JsonElement state = default;
        for (int tries = 0; tries < 240 && (state.ValueKind == JsonValueKind.Undefined || state.GetProperty("status").GetString() != "done"); tries++)
        {
            await Task.Delay(250);
            state = JsonDocument.Parse(await owner.GetStringAsync(page + "/status")).RootElement;
            Assert.True(state.GetProperty("error").ValueKind == JsonValueKind.Null, state.ToString());
        }

        Assert.Equal("done", state.GetProperty("status").GetString());
        string view = await owner.GetStringAsync(page);
        Assert.Contains("predicts <strong>tumour</strong>", view, StringComparison.Ordinal);
        Assert.DoesNotContain("Patient-Name", view, StringComparison.Ordinal);
        using (HttpResponseMessage scan = await owner.GetAsync(page + "/scan.nii.gz"))
        {
            Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        }

        using HttpClient other = await served.SignIn("r2");
        foreach (string path in new[] { page, page + "/status", page + "/scan.nii.gz", page + "/maps/0.nii.gz" })
        {
            using HttpResponseMessage response = await other.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.DoesNotContain(page[^32..], await other.GetStringAsync("/uploads"), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(served.DataFolder, "upload.*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Uploads_TooLargeTooManyUnreadableOrWithoutToken_AreRefusedWithAReason()
    {
        await using ServedStudy served = await ServedStudy.Start(o => o with { Model = RepoPaths.DemoModel("brain-lesion-2d"), MaxUploadBytes = 40_000, MaxUploadsPerRater = 1 });
        using HttpClient client = await served.SignIn("r1");
        byte[] png = File.ReadAllBytes(RepoPaths.DemoScan("2d/slice-02-tumour.png"));

        using (HttpResponseMessage large = await Post(client, new byte[60_000], "big.nii"))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        }

        using (HttpResponseMessage named = await Post(client, png, "scan.exe"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, named.StatusCode);
            Assert.Contains("ends in none of", await named.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (HttpResponseMessage garbage = await Post(client, new byte[2000], "scan.nii"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
            string text = await garbage.Content.ReadAsStringAsync();
            Assert.Contains("cannot be read", text, StringComparison.Ordinal);
            Assert.DoesNotContain(served.DataFolder, text, StringComparison.Ordinal);
        }

        using (var unsigned = new MultipartFormDataContent())
        {
            unsigned.Add(new ByteArrayContent(png), "scan", "scan.png");
            using HttpResponseMessage response = await client.PostAsync("/uploads", unsigned);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (HttpResponseMessage first = await Post(client, png, "scan.png"))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        }

        using HttpResponseMessage second = await Post(client, png, "scan.png");
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Contains("delete one first", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> Post(HttpClient client, byte[] file, string name)
    {
        string token = Regex.Match(await client.GetStringAsync("/uploads"), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "scan", name);
        return await client.PostAsync("/uploads", form);
    }
}
