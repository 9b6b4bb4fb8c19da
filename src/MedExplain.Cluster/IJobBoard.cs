namespace MedExplain.Cluster;

/// <summary>
/// The cluster's list of jobs to work on, by output folder, oldest first: one grain for the whole cluster, its state in
/// PostgreSQL, so it comes back on another silo when the one it lived on dies. It only coordinates: the work itself runs
/// on each silo's worker threads (<see cref="ClusterWorkers"/>), never on the grain's scheduler.
/// </summary>
internal interface IJobBoard : IGrainWithIntegerKey
{
    /// <summary>Adds a planned job (no change when it is listed already).</summary>
    Task Submit(string folder);

    /// <summary>The jobs still to work on, oldest first.</summary>
    Task<string[]> Active();

    /// <summary>Takes a job off the list: nothing of it is left to lease.</summary>
    Task Finish(string folder);
}

/// <summary>The job board's stored state.</summary>
[GenerateSerializer]
internal sealed class JobBoardState
{
    [Id(0)]
    public List<string> Folders { get; set; } = [];
}

/// <summary>The job board: every change written to storage before the call returns.</summary>
internal sealed class JobBoard([PersistentState("jobs", ClusterHosting.Storage)] IPersistentState<JobBoardState> state) : Grain, IJobBoard
{
    public async Task Submit(string folder)
    {
        if (!state.State.Folders.Contains(folder))
        {
            state.State.Folders.Add(folder);
            await state.WriteStateAsync();
        }
    }

    public Task<string[]> Active() => Task.FromResult(state.State.Folders.ToArray());

    public async Task Finish(string folder)
    {
        if (state.State.Folders.Remove(folder))
        {
            await state.WriteStateAsync();
        }
    }
}
