using MedExplain.Pipelines.Batch;

namespace MedExplain.Cluster;

/// <summary>Submits batch jobs to a cluster and opens their ledgers.</summary>
public static class ClusterJobs
{
    /// <summary>Plans the job in its ledger (a re-run does only what is new or changed, as
    /// <see cref="BatchLedger.Plan"/> says) and puts it on the cluster's job board, where every silo's workers find it.</summary>
    /// <param name="grains">A client of the cluster (or a silo's grain factory).</param>
    /// <param name="settings">The cluster.</param>
    /// <param name="job">The job.</param>
    /// <param name="folder">Its output folder, the same path on every machine of the cluster.</param>
    /// <returns>What planning found.</returns>
    /// <exception cref="MedExplainInputException">The database cannot be reached, or the job's files cannot be read.</exception>
    public static async Task<PlanSummary> Submit(IGrainFactory grains, ClusterSettings settings, BatchJob job, string folder)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(job);
        IJobBoard board = grains.GetGrain<IJobBoard>(0);
        string path = ClusterDatabase.JobFolder(folder);
        IReadOnlyList<WorkItem> items = job.Items();
        PlanSummary plan;
        using (BatchLedger ledger = OpenLedger(settings, path))
        {
            if (!(await board.Active()).Contains(path))
            {
                // No worker is writing there: what a killed one left half-written goes.
                BatchOutput.DeleteLeftovers(path);
            }

            plan = ledger.Plan(job, items);
        }

        await board.Submit(path);
        return plan;
    }

    /// <summary>The output folders of the jobs still on the cluster's board, oldest first.</summary>
    /// <param name="grains">A client of the cluster.</param>
    public static Task<string[]> Active(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<IJobBoard>(0).Active();
    }

    /// <summary>Opens the ledger of a job on the cluster.</summary>
    /// <param name="settings">The cluster.</param>
    /// <param name="folder">The job's output folder.</param>
    /// <exception cref="MedExplainInputException">The database cannot be reached or used.</exception>
    public static BatchLedger OpenLedger(ClusterSettings settings, string folder)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return BatchLedger.OpenPostgres(ClusterDatabase.LedgerConnection(settings.ConnectionString, folder), folder);
    }
}
