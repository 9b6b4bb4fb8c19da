using Microsoft.Data.Sqlite;
using MedExplain.Pipelines.Studies;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests.Studies;

/// <summary>The study database: passwords only as salted hashes, every rating kept across a reopen (a stopped server),
/// a later rating replacing an earlier one, a rater's view of their own ratings, and files it cannot use refused.</summary>
public sealed class StudyStoreTests : IDisposable
{
    private static readonly DateTimeOffset When = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [Fact]
    public void Raters_AreStoredAsSaltedHashes_AndVerifiedOnlyByTheirPassword()
    {
        using StudyStore store = StudyStore.Open(_temp.File("study.db"));
        store.AddRater("reader-1", "correct horse battery", When);
        store.AddRater("reader-2", "correct horse battery", When);

        Assert.True(store.Verify("reader-1", "correct horse battery"));
        Assert.False(store.Verify("reader-1", "correct horse battery "));
        Assert.False(store.Verify("nobody", "correct horse battery"));
        Assert.Equal("rater", Assert.Throws<MedExplainParameterException>(() => store.AddRater("reader-1", "another long password", When)).Parameter);
        Assert.Equal("password", Assert.Throws<MedExplainParameterException>(() => store.AddRater("reader-3", "short", When)).Parameter);
        Assert.Equal("rater", Assert.Throws<MedExplainParameterException>(() => store.AddRater("../x", "a long enough password", When)).Parameter);

        // The file holds no password, and two raters with one password get different hashes (salted).
        string[] stored = [.. Query(_temp.File("study.db"), "SELECT password FROM raters ORDER BY id;")];
        Assert.All(stored, h => Assert.StartsWith($"pbkdf2-sha256${StudyStore.PasswordIterations}$", h, StringComparison.Ordinal));
        Assert.NotEqual(stored[0], stored[1]);
        Assert.All(Directory.GetFiles(_temp.Path, "study.db*"), f => Assert.DoesNotContain("correct horse", File.ReadAllText(f), StringComparison.Ordinal));
    }

    [Fact]
    public void Ratings_SurviveAReopen_ALaterOneReplacesTheEarlier_AndEachRaterSeesTheirOwn()
    {
        using (StudyStore store = StudyStore.Open(_temp.File("study.db")))
        {
            store.AddRater("r1", "a long enough password", When);
            store.AddRater("r2", "a long enough password", When);
            store.Rate("maps", new Rating("r1", "c1", "gradient", 2), When);
            store.Rate("maps", new Rating("r1", "c1", "gradient", 4), When.AddMinutes(1));
            store.Rate("maps", new Rating("r2", "c1", "gradient", 3), When);
            store.Rate("other", new Rating("r1", "c1", "gradient", 5), When);
            Assert.Equal("rater", Assert.Throws<MedExplainParameterException>(() => store.Rate("maps", new Rating("r9", "c1", "gradient", 3), When)).Parameter);
        }

        using StudyStore reopened = StudyStore.Open(_temp.File("study.db"));
        Assert.Equal([new Rating("r1", "c1", "gradient", 4), new Rating("r2", "c1", "gradient", 3)], reopened.Ratings("maps"));
        Assert.Equal([new Rating("r2", "c1", "gradient", 3)], reopened.Ratings("maps", "r2"));
        Assert.Equal(StudyStore.SchemaVersion, long.Parse(Query(_temp.File("study.db"), "PRAGMA user_version;")[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Drawings_SurviveAReopen_ALaterOneReplacesTheEarlier_AndAreFoundByRaterAndCase()
    {
        using (StudyStore store = StudyStore.Open(_temp.File("study.db")))
        {
            store.AddRater("r1", "a long enough password", When);
            store.AddRater("r2", "a long enough password", When);
            store.SaveDrawing("maps", "r1", "c1", [1, 2, 3], When);
            store.SaveDrawing("maps", "r1", "c1", [4, 5], When.AddMinutes(1));
            store.SaveDrawing("maps", "r2", "c1", [6], When);
            store.SaveDrawing("maps", "r1", "c2", [7], When);
            Assert.Equal("rater", Assert.Throws<MedExplainParameterException>(() => store.SaveDrawing("maps", "r9", "c1", [1], When)).Parameter);
        }

        using StudyStore reopened = StudyStore.Open(_temp.File("study.db"));
        Assert.Equal(new byte[] { 4, 5 }, Assert.Single(reopened.Drawings("maps", "r1", "c1")).Nifti);
        Assert.Equal(["r1/c1", "r1/c2", "r2/c1"], reopened.Drawings("maps").Select(d => $"{d.Rater}/{d.Case}"));
        Assert.Empty(reopened.Drawings("other"));
    }

    [Fact]
    public void ADatabaseOfTheFirstSchema_IsMigratedKeepingItsRatings()
    {
        using (var connection = new SqliteConnection($"Data Source={_temp.File("v1.db")};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE raters (id TEXT PRIMARY KEY, password TEXT NOT NULL, created TEXT NOT NULL);
                CREATE TABLE ratings (study TEXT NOT NULL, rater TEXT NOT NULL REFERENCES raters(id), case_id TEXT NOT NULL, method TEXT NOT NULL,
                    score REAL NOT NULL, given TEXT NOT NULL, PRIMARY KEY (study, rater, case_id, method));
                INSERT INTO raters VALUES ('r1', 'pbkdf2-sha256$1$AAAA$AAAA', '2026-01-01');
                INSERT INTO ratings VALUES ('maps', 'r1', 'c1', 'gradient', 3, '2026-01-01');
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }

        using StudyStore store = StudyStore.Open(_temp.File("v1.db"));
        Assert.Equal([new Rating("r1", "c1", "gradient", 3)], store.Ratings("maps"));
        store.SaveDrawing("maps", "r1", "c1", [1], When);
        Assert.Single(store.Drawings("maps"));
    }

    [Fact]
    public void AFileThatIsNoStudyDatabase_OrOfANewerSchema_IsRefused()
    {
        File.WriteAllText(_temp.File("notes.db"), "these are not the tables you are looking for, padded well past one page of text .................");
        using (var connection = new SqliteConnection($"Data Source={_temp.File("future.db")};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {StudyStore.SchemaVersion + 1};";
            command.ExecuteNonQuery();
        }

        Assert.Equal(_temp.File("notes.db"), Assert.Throws<MedExplainInputException>(() => StudyStore.Open(_temp.File("notes.db"))).FilePath);
        Assert.Contains("newer MedExplain", Assert.Throws<MedExplainInputException>(() => StudyStore.Open(_temp.File("future.db"))).Message, StringComparison.Ordinal);
    }

    private static string[] Query(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return [.. rows];
    }
}
