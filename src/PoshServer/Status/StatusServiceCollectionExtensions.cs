using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PoshServer.Cluster;

namespace PoshServer.Status;

internal static class StatusServiceCollectionExtensions
{
    /// <summary>The admin listener with the status page, the status API and /metrics.</summary>
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateDataAnnotations();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>());
        services.AddCluster();
        services.AddSingleton<IReplicaStateContributor, StatusReplicaState>();
        services.TryAddSingleton<StatusTenantChanges>();
        services.TryAddSingleton<StatusReportBuilder>();
        services.TryAddSingleton<AdminServer>();
        services.AddHostedService(provider => provider.GetRequiredService<AdminServer>());
        return services;
    }
}
