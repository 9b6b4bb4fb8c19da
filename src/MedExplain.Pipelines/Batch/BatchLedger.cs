using System.Data;
using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MedExplain.Pipelines.Batch;

/// <summary>An item's state in the ledger.</summary>
public enum ItemState
{
    /// <summary>Waiting for a worker.</summary>
    Pending,

    /// <summary>Leased by a worker until its lease runs out (a heartbeat extends it).</summary>
    Leased,

    /// <summary>Its output is written, flushed, renamed into place and hashed.</summary>
    Done,

    /// <summary>It failed as many times as allowed; its last error is kept.</summary>
    Failed,
}

/// <summary>One item as the ledger holds it.</summary>
/// <param name="Item">The item.</param>
/// <param name="State">Its state.</param>
/// <param name="Leases">How many times it was leased (more than once: a worker died or its lease ran out).</param>
/// <param name="Attempts">How many times it failed.</param>
/// <param name="Error">Its last error, or null.</param>
/// <param name="OutputHash">The SHA-256 of its output once done.</param>
/// <param name="Findings">The prediction and the metrics once done.</param>
/// <param name="Owner">The worker holding its lease, or null.</param>
public sealed record LedgerEntry(WorkItem Item, ItemState State, int Leases, int Attempts, string? Error, string? OutputHash, ItemFindings? Findings, string? Owner);

/// <summary>What planning a job found in its output folder.</summary>
/// <param name="Items">The job's items.</param>
/// <param name="Done">Done before, their outputs verified by hash.</param>
/// <param name="Adopted">Written but not marked done (a worker died between the rename and the commit): adopted.</param>
/// <param name="Redone">Marked done but their output is missing or changed: queued again.</param>
/// <param name="Superseded">Items of an earlier plan the job no longer has (a changed parameter): dropped.</param>
public sealed record PlanSummary(int Items, int Done, int Adopted, int Redone, int Superseded);

/// <summary>
/// A batch job's durable ledger: every item with its state, in SQLite (WAL mode, beside the outputs: one machine) or in
/// PostgreSQL (workers on many machines; a lease is taken with <c>FOR UPDATE SKIP LOCKED</c>, so workers never wait on
/// one another's row locks). Workers lease an item for a time and extend the lease by heartbeat; a lease that runs out
/// (its worker died) returns the item to the queue. An item is marked done only after its output is written, flushed
/// and renamed into place, so a crash never marks done what was not written; planning again verifies the done outputs
/// and adopts outputs written but not marked. Every change is one transaction; the clock is the caller's.
/// </summary>
public sealed class BatchLedger : IDisposable
{
    /// <summary>The ledger's file name in the output folder.</summary>
    public const string FileName = "ledger.db";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS job (id INTEGER PRIMARY KEY CHECK (id = 1), spec TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS items (
            key TEXT PRIMARY KEY, ordinal INTEGER NOT NULL, scan TEXT NOT NULL, method TEXT NOT NULL, output TEXT NOT NULL,
            state TEXT NOT NULL, owner TEXT, lease_until BIGINT, leases INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT, output_hash TEXT, prediction TEXT, probability DOUBLE PRECISION, findings TEXT);
        CREATE INDEX IF NOT EXISTS items_queue ON items (state, ordinal);
        """;

    private readonly DbConnection _connection;
    private readonly bool _postgres;

    private BatchLedger(DbConnection connection, string folder)
    {
        _connection = connection;
        _postgres = connection is NpgsqlConnection;
        Folder = folder;
    }

    /// <summary>Gets the job's output folder.</summary>
    public string Folder { get; }

    /// <summary>Opens (or creates) the ledger of the output folder.</summary>
    /// <param name="folder">The job's output folder.</param>
    /// <exception cref="MedExplainInputException">The ledger cannot be used.</exception>
    public static BatchLedger Open(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, FileName);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 60 }.ToString());
        try
        {
            connection.Open();
            // WAL with NORMAL sync: a commit survives the death of any process; a power cut may lose the last commits,
            // which only sends their items back to the queue (their outputs, flushed before the commit, are then
            // adopted). "Done" without its output cannot survive a power cut unnoticed either: planning checks hashes.
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 60000;");
            Execute(connection, Schema);
            // Ledgers of the version before findings were kept lack their column; one write transaction, so two
            // processes opening such a ledger at once do not both add it.
            using (SqliteTransaction upgrade = connection.BeginTransaction(deferred: false))
            {
                using var hasFindings = new SqliteCommand("SELECT COUNT(*) FROM pragma_table_info('items') WHERE name = 'findings';", connection, upgrade);
                if (Convert.ToInt32(hasFindings.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
                {
                    Execute(connection, "ALTER TABLE items ADD COLUMN findings TEXT;", upgrade);
                }

                upgrade.Commit();
            }

            return new BatchLedger(connection, Path.GetFullPath(folder));
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new MedExplainInputException(path, $"cannot be used as a batch ledger ({e.Message}).");
        }
    }

    /// <summary>Opens (or creates) a ledger in a PostgreSQL database, for workers on several machines; one database
    /// (or one schema, by the connection string's Search Path) per job.</summary>
    /// <param name="connectionString">An Npgsql connection string (keep the password in a passfile, not in it).</param>
    /// <param name="folder">The job's output folder, the same path on every machine.</param>
    /// <exception cref="MedExplainInputException">The database cannot be reached or used.</exception>
    public static BatchLedger OpenPostgres(string connectionString, string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);
        NpgsqlConnection? connection = null;
        try
        {
            connection = new NpgsqlConnection(connectionString);
            connection.Open();
            // Two workers creating the tables at once would collide: one at a time, by an advisory lock.
            Execute(connection, "SELECT pg_advisory_lock(2026113021);");
            Execute(connection, Schema);
            Execute(connection, "ALTER TABLE items ADD COLUMN IF NOT EXISTS findings TEXT;");
            Execute(connection, "SELECT pg_advisory_unlock(2026113021);");
            return new BatchLedger(connection, Path.GetFullPath(folder));
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException)
        {
            connection?.Dispose();
            throw new MedExplainInputException("the PostgreSQL ledger", $"cannot be used as a batch ledger ({e.Message}).");
        }
    }

    /// <summary>Gets the job the ledger was planned for, or null before the first plan.</summary>
    public BatchJob? Job => Scalar("SELECT spec FROM job WHERE id = 1;") is string spec ? JsonSerializer.Deserialize<BatchJob>(spec) : null;

    /// <summary>Plans <paramref name="job"/>: adds its new items, drops those it no longer has, verifies done outputs by
    /// hash and adopts outputs written but not marked. Run it while no worker runs.</summary>
    /// <param name="job">The job.</param>
    /// <param name="items">Its items (<see cref="BatchJob.Items"/>).</param>
    public PlanSummary Plan(BatchJob job, IReadOnlyList<WorkItem> items)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(items);
        using DbTransaction transaction = _connection.BeginTransaction();
        Execute(_connection, "INSERT INTO job (id, spec) VALUES (1, @spec) ON CONFLICT (id) DO UPDATE SET spec = excluded.spec;", transaction, ("@spec", JsonSerializer.Serialize(job)));
        Execute(_connection, "CREATE TEMP TABLE IF NOT EXISTS planned (key TEXT PRIMARY KEY); DELETE FROM planned;", transaction);
        for (int i = 0; i < items.Count; i++)
        {
            WorkItem item = items[i];
            Execute(_connection, "INSERT INTO planned (key) VALUES (@key);", transaction, ("@key", item.Key));
            Execute(_connection, """
                INSERT INTO items (key, ordinal, scan, method, output, state) VALUES (@key, @ordinal, @scan, @method, @output, 'Pending')
                ON CONFLICT (key) DO UPDATE SET ordinal = excluded.ordinal, scan = excluded.scan, output = excluded.output;
                """, transaction, ("@key", item.Key), ("@ordinal", i), ("@scan", item.Scan), ("@method", item.Method), ("@output", item.Output));
        }

        int superseded = Execute(_connection, "DELETE FROM items WHERE key NOT IN (SELECT key FROM planned);", transaction);
        Execute(_connection, "DROP TABLE planned;", transaction);
        int done = 0, adopted = 0, redone = 0;
        foreach (LedgerEntry entry in Entries(transaction))
        {
            string output = Path.Combine(Folder, entry.Item.Output);
            if (entry.State == ItemState.Done)
            {
                bool intact = File.Exists(output) && BatchJob.Hash(File.ReadAllBytes(output)) == entry.OutputHash;
                done += intact ? 1 : 0;
                redone += intact ? 0 : 1;
                if (!intact)
                {
                    Execute(_connection, "UPDATE items SET state = 'Pending', owner = NULL, lease_until = NULL, output_hash = NULL WHERE key = @key;", transaction, ("@key", entry.Item.Key));
                }
            }
            else if (BatchOutput.Adoptable(output, entry.Item.Key) is { } findings)
            {
                // Renamed into place by a worker that died before it could commit: the files are whole (renames are
                // atomic) and made from the same inputs (the map's header and the findings name the key).
                Complete(entry.Item.Key, BatchJob.Hash(File.ReadAllBytes(output)), findings, transaction);
                adopted++;
            }
            else if (entry.State == ItemState.Leased)
            {
                Execute(_connection, "UPDATE items SET state = 'Pending', owner = NULL, lease_until = NULL WHERE key = @key;", transaction, ("@key", entry.Item.Key));
            }
        }

        transaction.Commit();
        return new PlanSummary(items.Count, done, adopted, redone, superseded);
    }

    /// <summary>How many times an item may be leased: a worker that dies on it every time (it crashes the runtime, or
    /// runs out of memory) must not keep the job going forever. Past this, the item fails with that said.</summary>
    public const int MaxLeases = 5;

    /// <summary>Leases the next pending item, or one whose lease ran out, to <paramref name="owner"/>.</summary>
    /// <param name="owner">The worker.</param>
    /// <param name="lease">How long the lease lasts without a heartbeat.</param>
    /// <param name="now">The caller's clock.</param>
    /// <returns>The item, or null when none is free.</returns>
    public WorkItem? Lease(string owner, TimeSpan lease, DateTimeOffset now)
    {
        // SQLite: a write transaction from the start, so two workers never read the same free item. PostgreSQL: the row is
        // locked as it is read, and rows another worker has locked are skipped rather than waited for.
        using DbTransaction transaction = _connection is SqliteConnection sqlite ? sqlite.BeginTransaction(deferred: false) : _connection.BeginTransaction(IsolationLevel.ReadCommitted);
        Execute(_connection, $"""
            UPDATE items SET state = 'Failed', owner = NULL, lease_until = NULL,
                error = 'its worker stopped ' || leases || ' times while working on it (killed, out of memory, or crashed); see the workers'' logs'
            WHERE state = 'Leased' AND lease_until < @now AND leases >= {MaxLeases};
            """, transaction, ("@now", now.ToUnixTimeMilliseconds()));
        using DbCommand select = Command($"""
            SELECT key, scan, method, output FROM items
            WHERE state = 'Pending' OR (state = 'Leased' AND lease_until < @now) ORDER BY ordinal LIMIT 1{(_postgres ? " FOR UPDATE SKIP LOCKED" : string.Empty)};
            """, transaction, ("@now", now.ToUnixTimeMilliseconds()));
        WorkItem? item = null;
        using (DbDataReader reader = select.ExecuteReader())
        {
            if (reader.Read())
            {
                item = new WorkItem(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
            }
        }

        if (item is not null)
        {
            Execute(_connection, "UPDATE items SET state = 'Leased', owner = @owner, lease_until = @until, leases = leases + 1 WHERE key = @key;", transaction,
                ("@owner", owner), ("@until", (now + lease).ToUnixTimeMilliseconds()), ("@key", item.Key));
        }

        transaction.Commit();
        return item;
    }

    /// <summary>Returns every item <paramref name="owner"/> holds to the queue at once: for a worker known to be dead (its
    /// process exited), so its items need not wait for their leases to run out.</summary>
    /// <param name="owner">The dead worker.</param>
    /// <returns>How many items it held.</returns>
    public int Release(string owner) =>
        Execute(_connection, "UPDATE items SET state = 'Pending', owner = NULL, lease_until = NULL WHERE owner = @owner AND state = 'Leased';", null, ("@owner", owner));

    /// <summary>Extends <paramref name="owner"/>'s lease of an item; false when the lease is no longer theirs.</summary>
    public bool Heartbeat(string owner, string key, TimeSpan lease, DateTimeOffset now) =>
        Execute(_connection, "UPDATE items SET lease_until = @until WHERE key = @key AND owner = @owner AND state = 'Leased';", null,
            ("@until", (now + lease).ToUnixTimeMilliseconds()), ("@key", key), ("@owner", owner)) == 1;

    /// <summary>Marks an item done, after its outputs are in place: with the map's hash and the findings.</summary>
    /// <param name="key">The item's key.</param>
    /// <param name="outputHash">The map's SHA-256.</param>
    /// <param name="findings">The prediction and metrics.</param>
    public void Complete(string key, string outputHash, ItemFindings findings) => Complete(key, outputHash, findings, null);

    private void Complete(string key, string outputHash, ItemFindings findings, DbTransaction? transaction)
    {
        ArgumentNullException.ThrowIfNull(findings);
        Execute(_connection, "UPDATE items SET state = 'Done', owner = NULL, lease_until = NULL, error = NULL, output_hash = @hash, prediction = @prediction, probability = @probability, findings = @findings WHERE key = @key;", transaction,
            ("@key", key), ("@hash", outputHash), ("@prediction", findings.Prediction), ("@probability", findings.Probability), ("@findings", JsonSerializer.Serialize(findings, BatchOutput.Json)));
    }

    /// <summary>Records a failure: the item returns to the queue until it has failed <paramref name="maxAttempts"/> times.</summary>
    public void Fail(string key, string error, int maxAttempts) =>
        Execute(_connection, """
            UPDATE items SET attempts = attempts + 1, error = @error, owner = NULL, lease_until = NULL,
                state = CASE WHEN attempts + 1 >= @max THEN 'Failed' ELSE 'Pending' END
            WHERE key = @key;
            """, null, ("@key", key), ("@error", error), ("@max", maxAttempts));

    /// <summary>How many items are in each state.</summary>
    public IReadOnlyDictionary<ItemState, int> Counts()
    {
        var counts = Enum.GetValues<ItemState>().ToDictionary(s => s, _ => 0);
        using DbCommand command = Command("SELECT state, COUNT(*) FROM items GROUP BY state;", null);
        using DbDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            counts[Enum.Parse<ItemState>(reader.GetString(0))] = Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }

        return counts;
    }

    /// <summary>Every item, in job order.</summary>
    public IReadOnlyList<LedgerEntry> Entries() => Entries(null);

    /// <inheritdoc/>
    public void Dispose() => _connection.Dispose();

    private List<LedgerEntry> Entries(DbTransaction? transaction)
    {
        using DbCommand command = Command("SELECT key, scan, method, output, state, leases, attempts, error, output_hash, findings, owner FROM items ORDER BY ordinal;", transaction);
        using DbDataReader reader = command.ExecuteReader();
        var entries = new List<LedgerEntry>();
        while (reader.Read())
        {
            entries.Add(new LedgerEntry(
                new WorkItem(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)),
                Enum.Parse<ItemState>(reader.GetString(4)), reader.GetInt32(5), reader.GetInt32(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : JsonSerializer.Deserialize<ItemFindings>(reader.GetString(9), BatchOutput.Json), reader.IsDBNull(10) ? null : reader.GetString(10)));
        }

        return entries;
    }

    private object? Scalar(string sql)
    {
        using DbCommand command = Command(sql, null);
        return command.ExecuteScalar();
    }

    private DbCommand Command(string sql, DbTransaction? transaction, params (string Name, object Value)[] parameters) =>
        Command(_connection, sql, transaction, parameters);

    private static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction, (string Name, object Value)[] parameters)
    {
        DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach ((string name, object value) in parameters)
        {
            DbParameter parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static int Execute(DbConnection connection, string sql, DbTransaction? transaction = null, params (string Name, object Value)[] parameters)
    {
        using DbCommand command = Command(connection, sql, transaction, parameters);
        return command.ExecuteNonQuery();
    }
}
