using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PoshServer.Metrics;

internal static class MetricsServiceCollectionExtensions
{
    /// <summary>The server's meter, gauges and the Prometheus exposition (served on the admin listener).</summary>
    public static IServiceCollection AddPoshMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<PoshMetrics>();
        services.TryAddSingleton<PoshGauges>();
        services.TryAddSingleton<PrometheusExporter>();
        return services;
    }
}
