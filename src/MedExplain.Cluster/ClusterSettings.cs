namespace MedExplain.Cluster;

/// <summary>How a silo or a client finds the cluster, and how much a silo works.</summary>
/// <param name="ConnectionString">The cluster's PostgreSQL database (membership, the job board, every job's ledger).</param>
public sealed record ClusterSettings(string ConnectionString)
{
    /// <summary>Gets the cluster's name in the membership table: silos and clients of one cluster share it.</summary>
    public string ClusterId { get; init; } = "medexplain";

    /// <summary>Gets how many worker threads this silo runs (one ONNX Runtime thread each).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Gets how often an idle silo asks the job board for work.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The settings without the connection string, which may hold a password.</summary>
    public override string ToString() => $"ClusterSettings {{ ClusterId = {ClusterId}, Workers = {Workers}, Poll = {Poll} }}";
}
