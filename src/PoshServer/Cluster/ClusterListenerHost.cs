using Microsoft.Extensions.Options;
using PoshServer.Cluster.PostgreSql;

namespace PoshServer.Cluster;

/// <summary>Runs the PostgreSQL change listener when the cluster store is PostgreSQL; with files there is nothing to listen to.</summary>
internal sealed class ClusterListenerHost(IServiceProvider services, IOptions<ClusterOptions> options, ILogger<ClusterListenerHost> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var store = services.GetRequiredService<IClusterStore>();
        logger.StoreSelected(options.Value.Store.ToString(), store.ReplicaName);
        return store is PostgreSqlClusterStore postgres
            ? ActivatorUtilities.CreateInstance<PostgreSqlChangeListener>(services, postgres).RunAsync(stoppingToken)
            : Task.CompletedTask;
    }
}
