using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace MedExplain.Cluster;

/// <summary>
/// The cluster's PostgreSQL database: Orleans's membership and grain-storage tables in the connection's schema, and a
/// schema of its own for each job's ledger (<see cref="Pipelines.Batch.BatchLedger.OpenPostgres"/>), named by the job's
/// output folder.
/// </summary>
public static class ClusterDatabase
{
    // One lock for every change to the schemas: silos starting together would otherwise create the same tables twice.
    private const long SchemaLock = 2026120101;

    /// <summary>Orleans's scripts, in the order they must run: the query table, membership, grain storage.</summary>
    private static readonly string[] Scripts = ["PostgreSQL-Main.sql", "PostgreSQL-Clustering.sql", "PostgreSQL-Persistence.sql"];

    /// <summary>Creates Orleans's tables in the connection's schema unless they are there already.</summary>
    /// <param name="connectionString">An Npgsql connection string (its Search Path picks the schema).</param>
    /// <exception cref="MedExplainInputException">The database cannot be reached or used.</exception>
    public static void Prepare(string connectionString) => Locked(connectionString, connection =>
    {
        using var exists = new NpgsqlCommand("SELECT to_regclass('orleansquery') IS NOT NULL;", connection);
        if (exists.ExecuteScalar() is true)
        {
            return;
        }

        using NpgsqlTransaction transaction = connection.BeginTransaction();
        foreach (string script in Scripts)
        {
            using var command = new NpgsqlCommand(Read(script), connection, transaction);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    });

    /// <summary>The connection string of a job's ledger: the cluster's database, in a schema named by the job's output
    /// folder (created if new), so every silo finds the same ledger from the folder alone.</summary>
    /// <param name="connectionString">The cluster's connection string.</param>
    /// <param name="folder">The job's output folder, the same path on every machine.</param>
    /// <exception cref="MedExplainInputException">The database cannot be reached or used.</exception>
    public static string LedgerConnection(string connectionString, string folder)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(JobFolder(folder)));
        string schema = "medexplain_job_" + Convert.ToHexStringLower(hash)[..16];
        Locked(connectionString, connection =>
        {
            using var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {schema};", connection);
            create.ExecuteNonQuery();
        });
        return new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ToString();
    }

    /// <summary>A job's output folder as the cluster names it: the full path without a trailing separator, so that
    /// <c>cohort</c>, <c>./cohort</c> and <c>cohort/</c> are one job.</summary>
    /// <param name="folder">The folder as given.</param>
    public static string JobFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
    }

    private static void Locked(string connectionString, Action<NpgsqlConnection> change)
    {
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using (var command = new NpgsqlCommand($"SELECT pg_advisory_lock({SchemaLock});", connection))
            {
                command.ExecuteNonQuery();
            }

            // The lock is the session's: closing the connection releases it whatever happens.
            change(connection);
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException)
        {
            throw new MedExplainInputException("the cluster's PostgreSQL database", $"cannot be used ({e.Message}).", e);
        }
    }

    private static string Read(string script)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("MedExplain.Cluster." + script)
            ?? throw new InvalidOperationException($"{script} is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
