using MedExplain.TestUtilities;
using Npgsql;

namespace MedExplain.Cluster.Tests;

/// <summary>The cluster's database: Orleans's tables made once however many silos start together; each job's ledger in
/// a schema its folder names.</summary>
public sealed class ClusterDatabaseTests
{
    [SkippableFact]
    public void Prepare_BySeveralSilosAtOnce_CreatesOrleansTablesOnce()
    {
        string connection = PostgresSchema.Create("clusterdb");

        Parallel.For(0, 4, _ => ClusterDatabase.Prepare(connection));
        ClusterDatabase.Prepare(connection);

        using var database = new NpgsqlConnection(connection);
        database.Open();
        using var tables = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('orleansquery', 'orleansmembershiptable', 'orleansmembershipversiontable', 'orleansstorage');", database);
        Assert.Equal(4L, tables.ExecuteScalar());
        using var queries = new NpgsqlCommand("SELECT count(*) FROM orleansquery WHERE querykey IN ('InsertMembershipKey', 'WriteToStorageKey');", database);
        Assert.Equal(2L, queries.ExecuteScalar());
    }

    [SkippableFact]
    public void LedgerConnection_OneSchemaPerFolder()
    {
        string connection = PostgresSchema.Create("clusterdb");

        string first = ClusterDatabase.LedgerConnection(connection, "/cohorts/one");
        string again = ClusterDatabase.LedgerConnection(connection, "/cohorts/one/");
        string second = ClusterDatabase.LedgerConnection(connection, "/cohorts/two");

        string Schema(string c) => new NpgsqlConnectionStringBuilder(c).SearchPath!;
        Assert.StartsWith("medexplain_job_", Schema(first), StringComparison.Ordinal);
        Assert.NotEqual(Schema(first), Schema(second));
        using var database = new NpgsqlConnection(connection);
        database.Open();
        using var exists = new NpgsqlCommand($"SELECT count(*) FROM information_schema.schemata WHERE schema_name IN ('{Schema(first)}', '{Schema(second)}');", database);
        Assert.Equal(2L, exists.ExecuteScalar());
        Assert.Equal(Schema(first), Schema(again));
    }

    [Fact]
    public void Settings_AsText_HideTheConnectionString()
    {
        var settings = new ClusterSettings("Host=db;Username=batch;Password=secret-word") { Workers = 3 };

        Assert.DoesNotContain("secret-word", settings.ToString(), StringComparison.Ordinal);
        Assert.Contains("Workers = 3", settings.ToString(), StringComparison.Ordinal);
    }
}
