namespace MedExplain.TestUtilities;

/// <summary>A PostgreSQL schema of the test's own on the server .ci/postgres.sh starts (MEDEXPLAIN_POSTGRES).</summary>
public static class PostgresSchema
{
    /// <summary>Creates a new, empty schema and returns a connection string whose search path is it; skips the test
    /// without a server (fails it under MEDEXPLAIN_REQUIRE_TOOLS=1).</summary>
    /// <param name="prefix">The schema name's prefix.</param>
    public static string Create(string prefix)
    {
        string? server = Environment.GetEnvironmentVariable("MEDEXPLAIN_POSTGRES");
        ExternalTools.RequireThat(server is not null, "a PostgreSQL server (MEDEXPLAIN_POSTGRES, set by .ci/postgres.sh)");
        string schema = $"{prefix}_{Guid.NewGuid():N}";
        using (var admin = new Npgsql.NpgsqlConnection(server))
        {
            admin.Open();
            using var create = new Npgsql.NpgsqlCommand($"CREATE SCHEMA {schema};", admin);
            create.ExecuteNonQuery();
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(server) { SearchPath = schema, Pooling = false }.ToString();
    }
}
