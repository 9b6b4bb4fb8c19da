using System.CommandLine;
using MedExplain.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain serve</c>: the web viewer of explain output folders and the reader study's pages.</summary>
internal static class ServeCommand
{
    /// <summary>Where the server listens unless told: this machine only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static Command Create(CliConsole console)
    {
        Option<string[]> cases = new("--cases") { Description = "An explain output folder to view (its cases.json, written by explain and demo; the demo's is medexplain-demo-output/report). Repeat for more.", AllowMultipleArgumentsPerToken = true };
        Option<string> study = new("--study") { Description = "A study file (docs/studies.md) whose pairs raters rate in the browser." };
        Option<string> db = new("--db") { Description = "The study database: accounts (made with `medexplain study add-rater`), ratings and drawings.", Required = true };
        Option<string> data = new("--data") { Description = "The server's own folder (cookie keys, uploads in transit); default: the database's name with .server." };
        Option<string[]> urls = new("--urls") { Description = $"Where to listen; default {DefaultUrl} (this machine only). Give http://0.0.0.0:PORT to open it to the network, behind HTTPS.", AllowMultipleArgumentsPerToken = true };
        Option<string> model = new("--model", "-m") { Description = "A model that explains scans users upload (its default methods); without it, uploads are off." };
        Option<string> card = new("--card") { Description = "The model's card, when it is not beside the model." };
        Option<int> maxUpload = new("--max-upload-mb") { Description = "The largest upload accepted, in MB.", DefaultValueFactory = _ => 512 };
        var command = new Command("serve", "Serve a web viewer of explained scans (each map over the scan in three planes, threshold and opacity, methods side by side) and a reader study's pages. Every page needs a sign-in.")
        {
            cases, study, db, data, urls, model, card, maxUpload,
        };
        command.SetAction(result => console.Guard(() =>
        {
            string database = result.GetValue(db)!;
            var options = new ServerOptions(result.GetValue(cases) ?? [], database, result.GetValue(study), result.GetValue(data) ?? database + ".server")
            {
                Model = result.GetValue(model),
                Card = result.GetValue(card),
                MaxUploadBytes = CliOptions.AtLeastOne(result.GetValue(maxUpload), "max-upload-mb") * 1024L * 1024,
            };
            string[] listen = result.GetValue(urls) is { Length: > 0 } given ? given : [DefaultUrl];
            if (options.CaseFolders.Count == 0 && options.StudyFile is null && options.Model is null)
            {
                console.Error.WriteLine("serve: give --cases FOLDER, --study FILE or --model MODEL (uploads), or more than one.");
                return ExitCodes.BadInput;
            }

            using WebApplication app = MedExplainServer.Build(options, listen, TimeProvider.System);
            try
            {
                app.Start();
            }
            catch (IOException e)
            {
                console.Error.WriteLine($"--urls: cannot listen on {string.Join(", ", listen)} ({e.Message}).");
                return ExitCodes.BadInput;
            }

            console.Out.WriteLine($"serving on {string.Join(", ", app.Urls)}; sign in with an account made by `medexplain study add-rater --db {database}`. Ctrl+C stops.");
            app.WaitForShutdown();
            return ExitCodes.Success;
        }));
        return command;
    }
}
