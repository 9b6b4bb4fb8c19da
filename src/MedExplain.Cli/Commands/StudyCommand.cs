using System.CommandLine;
using System.Globalization;
using MedExplain.Cli.Reports;
using MedExplain.Pipelines.Studies;
using MedExplain.Studies;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain study</c>: reader studies of explanation maps; <c>analyze</c> turns exported ratings into
/// per-method medians, tests across and between methods, and inter-rater agreement.</summary>
internal static class StudyCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("study", "Reader studies of explanation maps: experts rate (scan, map) pairs; analyse what they said.");
        command.Subcommands.Add(AddRater(console));
        command.Subcommands.Add(Export(console));
        command.Subcommands.Add(Analyze(console));
        command.Subcommands.Add(Benchmark(console));
        return command;
    }

    private static Option<string> Database() => new("--db") { Description = "The study database (SQLite; created on first use).", Required = true };

    private static Command AddRater(CliConsole console)
    {
        Option<string> db = Database();
        Option<string> rater = new("--rater") { Description = "The rater's id: letters, digits, '-', '_' or '.'; it appears in exports, so use a code, not a name.", Required = true };
        Option<bool> coordinator = new("--coordinator") { Description = "The account also sees every rater's ratings and the study's analysis in the browser (raters see only their own)." };
        var command = new Command("add-rater", "Add a rater to a study database with a new random password, printed once and stored only as a salted PBKDF2 hash.") { db, rater, coordinator };
        command.SetAction(result => console.Guard(() =>
        {
            using StudyStore store = StudyStore.Open(result.GetValue(db)!);
            string password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
            store.AddRater(result.GetValue(rater)!, password, DateTimeOffset.Now, result.GetValue(coordinator));
            console.Out.WriteLine($"rater {result.GetValue(rater)}: password {password}");
            console.Out.WriteLine("Give it to the rater now: it is shown once, and only its salted hash is stored.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Export(CliConsole console)
    {
        Option<string> db = Database();
        Option<string> study = new("--study") { Description = "The study whose ratings to export.", Required = true };
        Option<string> output = new("--out", "-o", "--output") { Description = "The file to write: CSV (rater, case, method, rating), or a JSON array of such objects when the name ends in .json; analyze reads both.", Required = true };
        Option<string> drawings = new("--drawings") { Description = "A folder for the raters' drawings of where they would look: RATER/CASE.nii.gz, masks on each scan's grid." };
        var command = new Command("export", "Export a study's ratings from its database as CSV or JSON, and its drawings as NIfTI masks.") { db, study, output, drawings };
        command.SetAction(result => console.Guard(() =>
        {
            using StudyStore store = StudyStore.Open(result.GetValue(db)!);
            IReadOnlyList<Rating> ratings = store.Ratings(result.GetValue(study)!);
            RatingsFile.Write(result.GetValue(output)!, ratings);
            console.Out.WriteLine($"{result.GetValue(output)}: {ratings.Count} ratings of study {result.GetValue(study)}");
            if (result.GetValue(drawings) is { } folder)
            {
                var drawn = store.Drawings(result.GetValue(study)!);
                foreach ((string rater, string caseId, byte[] nifti) in drawn)
                {
                    // Rater ids are file-name safe already (AddRater); case ids come from the study file and may not be.
                    string file = Path.Combine(folder, rater, string.Concat(caseId.Select(c => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c)) + ".nii.gz");
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    AtomicFile.Write(file, stream => stream.Write(nifti));
                }

                console.Out.WriteLine($"{folder}: {drawn.Count} drawings");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Benchmark(CliConsole console)
    {
        Option<string> db = Database();
        Option<string> studyFile = new("--study") { Description = "The study file (docs/studies.md): its cases' maps.", Required = true };
        Option<bool> json = CliOptions.Json();
        var command = new Command("benchmark", "Score each method's maps against the raters' drawings of where they would look (the human benchmark): pointing game, relevance mass, relevance rank and IoU of the map's top 5%, means over the drawings.")
        {
            db, studyFile, json,
        };
        command.SetAction(result => console.Guard(() =>
        {
            StudyDesign design = StudyDesign.Load(result.GetValue(studyFile)!);
            using StudyStore store = StudyStore.Open(result.GetValue(db)!);
            IReadOnlyList<MethodAgainstExperts> scores = HumanBenchmark.Of(design, store.Drawings(design.Study));
            if (result.GetValue(json))
            {
                JsonOutput.Write(console.Out, scores);
                return ExitCodes.Success;
            }

            TextWriter w = console.Out;
            w.WriteLine(scores.Count == 0 ? $"study {design.Study}: no drawings yet." : $"study {design.Study}: maps against the raters' drawings");
            if (scores.Count > 0)
            {
                w.WriteLine("  method                    drawings  pointing  mass   rank   IoU top 5%");
            }

            foreach (MethodAgainstExperts s in scores)
            {
                string name = design.Controls.Contains(s.Method) ? $"{s.Method} (control)" : s.Method;
                w.WriteLine(FormattableString.Invariant($"  {name,-24}  {s.Drawings,8}  {s.PointingGame,8:0.000}  {s.RelevanceMass,5:0.000}  {s.RelevanceRank,5:0.000}  {s.Iou,5:0.000}"));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Analyze(CliConsole console)
    {
        Option<string> ratings = new("--ratings") { Description = "The ratings: a CSV whose header names rater, case, method and rating (other columns ignored), or a JSON array of such objects. A rater's later rating of the same case and method replaces the earlier.", Required = true };
        Option<int> seed = new("--seed") { Description = "Seed of the bootstrap intervals.", DefaultValueFactory = _ => 0 };
        Option<bool> json = CliOptions.Json();
        var command = new Command("analyze", "Per-method medians with 95% bootstrap intervals, Friedman's test across methods, Wilcoxon signed-rank tests between each pair with Holm's correction, and inter-rater agreement (Krippendorff's α, Fleiss' κ).")
        {
            ratings, seed, json,
        };
        command.SetAction(result => console.Guard(() =>
        {
            string file = result.GetValue(ratings)!;
            StudyAnalysisResult analysis = StudyAnalysis.Of(RatingsFile.Read(file), result.GetValue(seed));
            if (result.GetValue(json))
            {
                JsonOutput.Write(console.Out, analysis);
                return ExitCodes.Success;
            }

            TextWriter w = console.Out;
            w.WriteLine(FormattableString.Invariant($"{file}: {analysis.Ratings} ratings of {analysis.Methods.Count} methods"));
            w.WriteLine("  method                    ratings  median  95% interval    mean");
            foreach (MethodRatings m in analysis.Methods)
            {
                w.WriteLine(FormattableString.Invariant($"  {m.Method,-24}  {m.Ratings,7}  {m.Median.Median,6:0.##}  {m.Median.Low,5:0.##} – {m.Median.High,-5:0.##}  {m.Mean,6:0.00}"));
            }

            w.WriteLine(analysis.Friedman is { } f
                ? FormattableString.Invariant($"Friedman across methods ({analysis.FriedmanBlocks} rater-case pairs that rated all): χ² {f.Statistic:0.###}, df {analysis.Methods.Count - 1}, p {P(f.P)}")
                : $"Friedman across methods: not computed ({(analysis.Methods.Count < 3 ? "fewer than three methods" : "fewer than two rater-case pairs rated every method")}).");
            foreach (MethodComparison c in analysis.Comparisons)
            {
                w.WriteLine(FormattableString.Invariant($"  {c.First} vs {c.Second}: {c.Pairs} pairs, median difference {c.MedianDifference:0.##}, Wilcoxon W {c.Test.Statistic:0.#} ({(c.Test.Exact ? "exact" : "normal approximation")}), p {P(c.Test.P)}, Holm {P(c.HolmP)}"));
            }

            if (analysis.Agreement is { } a)
            {
                string kappa = a.FleissKappa is { } k ? FormattableString.Invariant($"; Fleiss' κ {k:0.###} over the {a.FleissItems} items every rater rated") : "; Fleiss' κ: no item rated by every rater";
                w.WriteLine(FormattableString.Invariant($"Agreement of {a.Raters} raters over {a.Items} case-method items: Krippendorff's α ordinal {a.AlphaOrdinal:0.###}, interval {a.AlphaInterval:0.###}, nominal {a.AlphaNominal:0.###}{kappa}"));
            }
            else
            {
                w.WriteLine("Agreement: one rater, or no item rated twice.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static string P(double p) => p < 0.001 ? "< 0.001" : p.ToString("0.###", CultureInfo.InvariantCulture);
}
