using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PoshServer.Cluster.Files;
using PoshServer.Cluster.PostgreSql;

namespace PoshServer.Cluster;

internal static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// The cluster store chosen by <c>Cluster:Store</c>, its heartbeat, its change listener (PostgreSQL) and the
    /// <c>cluster</c> health check. Safe to call from every feature that uses the store; only the first call registers.
    /// </summary>
    public static IServiceCollection AddCluster(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ClusterMarker)))
        {
            return services;
        }

        services.AddSingleton<ClusterMarker>();
        services.AddOptionsWithValidateOnStart<ClusterOptions>().BindConfiguration(ClusterOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PostgreSqlClusterStore>();
        services.TryAddSingleton<IClusterStore>(provider => provider.GetRequiredService<IOptions<ClusterOptions>>().Value.Store switch
        {
            ClusterStoreKind.PostgreSql => provider.GetRequiredService<PostgreSqlClusterStore>(),
            _ => new FilesClusterStore(provider.GetServices<ClusterFileArea>(), provider.GetRequiredService<IOptions<ClusterOptions>>(), provider.GetRequiredService<TimeProvider>()),
        });
        services.AddSingleton<ClusterHeartbeatService>();
        services.AddHostedService(provider => provider.GetRequiredService<ClusterHeartbeatService>());
        services.AddHostedService<ClusterListenerHost>();
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [Health.HealthEndpoints.ReadyTag]);
        return services;
    }

    private sealed class ClusterMarker;
}
