using Microsoft.Extensions.DependencyInjection.Extensions;
using PoshClient.Dns;
using PoshServer.Cluster;

namespace PoshServer.TenantChecks;

internal static class TenantChecksServiceCollectionExtensions
{
    /// <summary>Tenant set-up checks: on demand (<c>tenants check</c>) and in the background.</summary>
    public static IServiceCollection AddTenantChecks(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<TenantChecksOptions>().BindConfiguration(TenantChecksOptions.Section).ValidateDataAnnotations();
        services.AddPoshClient();
        services.TryAddSingleton(provider => new DnsResolver(new DnsResolverOptions(), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<DnsResolver>>()));
        services.TryAddSingleton<ILiveCertificateProbe, XmppLiveCertificateProbe>();
        services.AddCluster();
        services.TryAddSingleton<TenantCheckResults>();
        services.TryAddSingleton<TenantCheckRoundStore>();
        services.TryAddSingleton<TenantChecker>();
        services.TryAddSingleton<TenantCheckService>();
        services.AddHostedService(provider => provider.GetRequiredService<TenantCheckService>());
        return services;
    }
}
