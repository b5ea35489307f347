using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PoshServer.Cluster;

/// <summary>Degraded while the shared store is unreachable: the replica serves what it has, it is not down.</summary>
internal sealed class ClusterHealthCheck(IClusterStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.LastError is { } error
            ? HealthCheckResult.Degraded($"The cluster store is unreachable: {error}")
            : HealthCheckResult.Healthy(store.IsShared ? $"Cluster store reachable (replica {store.ReplicaName})." : "Local files (no cluster)."));
}
