using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace MedExplain.Pipelines.Studies;

/// <summary>
/// A reader study's embedded database (SQLite): raters with hashed passwords, and every rating committed the moment it
/// is given, so a server stopped mid-study loses nothing and a rater resumes where they left off. The schema is versioned
/// (SQLite's user_version) and migrated forward on open; a database of a newer version than this library is refused.
/// </summary>
public sealed class StudyStore : IDisposable
{
    /// <summary>PBKDF2-SHA256 iterations for new passwords (OWASP's 2023 figure); stored with each hash, so it can rise.</summary>
    public const int PasswordIterations = 600_000;

    private const int SaltBytes = 16, HashBytes = 32;

    /// <summary>Each schema version's statements, in order; version n is reached by running the first n.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE raters (id TEXT PRIMARY KEY, password TEXT NOT NULL, created TEXT NOT NULL);
        CREATE TABLE ratings (
            study TEXT NOT NULL, rater TEXT NOT NULL REFERENCES raters(id), case_id TEXT NOT NULL, method TEXT NOT NULL,
            score REAL NOT NULL, given TEXT NOT NULL, PRIMARY KEY (study, rater, case_id, method));
        """,
        """
        ALTER TABLE raters ADD COLUMN coordinator INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE drawings (
            study TEXT NOT NULL, rater TEXT NOT NULL REFERENCES raters(id), case_id TEXT NOT NULL,
            nifti BLOB NOT NULL, given TEXT NOT NULL, PRIMARY KEY (study, rater, case_id));
        """,
    ];

    private readonly SqliteConnection _connection;

    private StudyStore(SqliteConnection connection) => _connection = connection;

    /// <summary>Gets the schema version this library writes.</summary>
    public static int SchemaVersion => Migrations.Length;

    /// <summary>Opens the database at <paramref name="path"/>, creating and migrating it as needed.</summary>
    /// <param name="path">The database file.</param>
    /// <exception cref="MedExplainInputException">The file is not a SQLite database, or one of a newer schema.</exception>
    public static StudyStore Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
            long version = (long)Scalar(connection, "PRAGMA user_version;")!;
            if (version > Migrations.Length)
            {
                throw new MedExplainInputException(path, $"is a study database of schema version {version}; this MedExplain reads up to {Migrations.Length}. Use a newer MedExplain.");
            }

            for (long v = version; v < Migrations.Length; v++)
            {
                using SqliteTransaction transaction = connection.BeginTransaction();
                Execute(connection, Migrations[v], transaction);
                Execute(connection, $"PRAGMA user_version = {v + 1};", transaction);
                transaction.Commit();
            }

            return new StudyStore(connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new MedExplainInputException(path, $"cannot be used as a study database ({e.Message}).");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Adds a rater with a password (stored as a salted PBKDF2-SHA256 hash, never as given).</summary>
    /// <param name="id">The rater's id: letters, digits, '-', '_' or '.', at most 64 (it appears in exports, never a patient's name).</param>
    /// <param name="password">Their password, 12 characters or more.</param>
    /// <param name="created">When (the caller's clock: libraries do not read it).</param>
    /// <param name="coordinator">Whether the account also sees every rater's ratings and the study's analysis.</param>
    /// <exception cref="MedExplainParameterException">A malformed id, a short password, or an id already taken.</exception>
    public void AddRater(string id, string password, DateTimeOffset created, bool coordinator = false)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(password);
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new MedExplainParameterException("rater", $"\"{id}\" is not a rater id: use 1 to 64 letters, digits, '-', '_' or '.'.");
        }

        if (password.Length < 12)
        {
            throw new MedExplainParameterException("password", "must have 12 characters or more.");
        }

        byte[] salt = RandomNumberGenerator.GetBytes(SaltBytes);
        byte[] hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, PasswordIterations, HashAlgorithmName.SHA256, HashBytes);
        try
        {
            Execute(_connection, "INSERT INTO raters (id, password, created, coordinator) VALUES ($id, $password, $created, $coordinator);",
                null, ("$id", id), ("$password", $"pbkdf2-sha256${PasswordIterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}"), ("$created", Stamp(created)), ("$coordinator", coordinator ? 1 : 0));
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new MedExplainParameterException("rater", $"\"{id}\" exists already.");
        }
    }

    /// <summary>Whether <paramref name="password"/> is the rater's (compared in constant time); false for an unknown rater.</summary>
    /// <param name="id">The rater.</param>
    /// <param name="password">The password given.</param>
    public bool Verify(string id, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (Scalar(_connection, "SELECT password FROM raters WHERE id = $id;", ("$id", id)) is not string stored || stored.Split('$') is not ["pbkdf2-sha256", var iterations, var salt, var hash])
        {
            // As slow as a known rater, so the answer's time does not tell which ids exist.
            Rfc2898DeriveBytes.Pbkdf2(password, new byte[SaltBytes], PasswordIterations, HashAlgorithmName.SHA256, HashBytes);
            return false;
        }

        byte[] expected = Convert.FromBase64String(hash);
        byte[] actual = Rfc2898DeriveBytes.Pbkdf2(password, Convert.FromBase64String(salt), int.Parse(iterations, CultureInfo.InvariantCulture), HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Whether the account is a coordinator's (sees all ratings and the analysis); false for an unknown one.</summary>
    /// <param name="id">The account.</param>
    public bool IsCoordinator(string id) => Scalar(_connection, "SELECT coordinator FROM raters WHERE id = $id;", ("$id", id)) is long flag && flag != 0;

    /// <summary>Records a rating, committed before this returns; a rater's new rating of the same case and method
    /// replaces their earlier one.</summary>
    /// <param name="study">The study.</param>
    /// <param name="rating">The rating (its rater must exist).</param>
    /// <param name="given">When it was given (the caller's clock).</param>
    /// <exception cref="MedExplainParameterException">An unknown rater, or a score that is not finite.</exception>
    public void Rate(string study, Rating rating, DateTimeOffset given)
    {
        ArgumentNullException.ThrowIfNull(rating);
        if (!double.IsFinite(rating.Score))
        {
            throw new MedExplainParameterException("rating", $"must be a number, not {rating.Score}.");
        }

        try
        {
            Execute(_connection, """
                INSERT INTO ratings (study, rater, case_id, method, score, given) VALUES ($study, $rater, $case, $method, $score, $given)
                ON CONFLICT (study, rater, case_id, method) DO UPDATE SET score = excluded.score, given = excluded.given;
                """, null, ("$study", study), ("$rater", rating.Rater), ("$case", rating.Case), ("$method", rating.Method), ("$score", rating.Score), ("$given", Stamp(given)));
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new MedExplainParameterException("rater", $"\"{rating.Rater}\" is not a rater of this database.");
        }
    }

    /// <summary>A study's ratings, by rater, case and method; of one rater only when <paramref name="rater"/> is given.</summary>
    /// <param name="study">The study.</param>
    /// <param name="rater">One rater, or null for all.</param>
    public IReadOnlyList<Rating> Ratings(string study, string? rater = null)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "SELECT rater, case_id, method, score FROM ratings WHERE study = $study AND ($rater IS NULL OR rater = $rater) ORDER BY rater, case_id, method;";
        command.Parameters.AddWithValue("$study", study);
        command.Parameters.AddWithValue("$rater", (object?)rater ?? DBNull.Value);
        using SqliteDataReader reader = command.ExecuteReader();
        var ratings = new List<Rating>();
        while (reader.Read())
        {
            ratings.Add(new Rating(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3)));
        }

        return ratings;
    }

    /// <summary>Keeps a rater's drawing of where they would look in a case (a mask on the scan's grid, as gzipped NIfTI),
    /// committed before this returns; a new drawing of the same case replaces the earlier one.</summary>
    /// <param name="study">The study.</param>
    /// <param name="rater">The rater (must exist).</param>
    /// <param name="caseId">The case.</param>
    /// <param name="nifti">The mask as a .nii.gz file's bytes.</param>
    /// <param name="given">When it was saved (the caller's clock).</param>
    /// <exception cref="MedExplainParameterException">An unknown rater.</exception>
    public void SaveDrawing(string study, string rater, string caseId, byte[] nifti, DateTimeOffset given)
    {
        ArgumentNullException.ThrowIfNull(nifti);
        try
        {
            Execute(_connection, """
                INSERT INTO drawings (study, rater, case_id, nifti, given) VALUES ($study, $rater, $case, $nifti, $given)
                ON CONFLICT (study, rater, case_id) DO UPDATE SET nifti = excluded.nifti, given = excluded.given;
                """, null, ("$study", study), ("$rater", rater), ("$case", caseId), ("$nifti", nifti), ("$given", Stamp(given)));
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new MedExplainParameterException("rater", $"\"{rater}\" is not a rater of this database.");
        }
    }

    /// <summary>A study's drawings (gzipped NIfTI masks), by rater and case; of one rater, or one case, when given.</summary>
    /// <param name="study">The study.</param>
    /// <param name="rater">One rater, or null for all.</param>
    /// <param name="caseId">One case, or null for all.</param>
    public IReadOnlyList<(string Rater, string Case, byte[] Nifti)> Drawings(string study, string? rater = null, string? caseId = null)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "SELECT rater, case_id, nifti FROM drawings WHERE study = $study AND ($rater IS NULL OR rater = $rater) AND ($case IS NULL OR case_id = $case) ORDER BY rater, case_id;";
        command.Parameters.AddWithValue("$study", study);
        command.Parameters.AddWithValue("$rater", (object?)rater ?? DBNull.Value);
        command.Parameters.AddWithValue("$case", (object?)caseId ?? DBNull.Value);
        using SqliteDataReader reader = command.ExecuteReader();
        var drawings = new List<(string, string, byte[])>();
        while (reader.Read())
        {
            drawings.Add((reader.GetString(0), reader.GetString(1), (byte[])reader[2]));
        }

        return drawings;
    }

    /// <inheritdoc/>
    public void Dispose() => _connection.Dispose();

    private static string Stamp(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteScalar();
    }
}
