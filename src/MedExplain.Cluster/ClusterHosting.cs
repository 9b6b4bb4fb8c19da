using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace MedExplain.Cluster;

/// <summary>Makes an Orleans silo a MedExplain cluster member, or a client one that submits jobs.</summary>
public static class ClusterHosting
{
    /// <summary>The grain storage the job board lives in.</summary>
    internal const string Storage = "medexplain";

    /// <summary>The ADO.NET provider Orleans loads for PostgreSQL.</summary>
    private const string Invariant = "Npgsql";

    /// <summary>Membership and the job board in the cluster's PostgreSQL database (its tables created when new), and
    /// <see cref="ClusterSettings.Workers"/> worker threads that run the board's jobs.</summary>
    /// <param name="silo">The silo being built.</param>
    /// <param name="settings">The cluster and this silo's share of the work.</param>
    /// <exception cref="MedExplainInputException">The database cannot be reached or used.</exception>
    public static ISiloBuilder AddMedExplainCluster(this ISiloBuilder silo, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        ClusterDatabase.Prepare(settings.ConnectionString);
        silo.Configure<ClusterOptions>(options => Name(options, settings));
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = settings.ConnectionString;
        });
        silo.AddAdoNetGrainStorage(Storage, options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = settings.ConnectionString;
        });
        silo.Services.AddSingleton(settings);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddHostedService<ClusterWorkers>();
        return silo;
    }

    /// <summary>Finds the cluster's gateways through its membership table.</summary>
    /// <param name="client">The client being built.</param>
    /// <param name="settings">The cluster.</param>
    public static IClientBuilder UseMedExplainCluster(this IClientBuilder client, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(settings);
        client.Configure<ClusterOptions>(options => Name(options, settings));
        client.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = settings.ConnectionString;
        });
        return client;
    }

    private static void Name(ClusterOptions options, ClusterSettings settings)
    {
        options.ClusterId = settings.ClusterId;
        options.ServiceId = "medexplain";
    }
}
