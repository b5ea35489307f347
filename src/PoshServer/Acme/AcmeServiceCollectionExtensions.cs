using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PoshServer.Cluster;
using PoshServer.Https;

namespace PoshServer.Acme;

internal static class AcmeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ACME client, the http-01 responder, the renewal service, the <c>acme</c> health check and the
    /// <c>PoshServer.Acme</c> meter. <paramref name="tenantNames"/> supplies the tenants that opted in; names also come
    /// from <c>Acme:HostNames</c>. Options are validated at start.
    /// </summary>
    public static IServiceCollection AddAcme(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, AcmeTenantNames>? tenantNames = null)
    {
        services.AddOptions<AcmeOptions>()
            .Bind(configuration.GetSection(AcmeOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AcmeOptions>, AcmeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<HttpsCertificateStore>();
        services.TryAddSingleton<IAcmeHostResolver, SystemAcmeHostResolver>();
        services.TryAddSingleton<IAcmeNameSource>(sp => new AcmeNameSource(sp.GetRequiredService<IOptionsMonitor<AcmeOptions>>(), tenantNames?.Invoke(sp)));
        services.AddCluster();
        services.AddSingleton(provider => new ClusterFileArea { Prefix = AcmeStorage.Prefix, Path = provider.GetRequiredService<IOptions<AcmeOptions>>().Value.StoragePath });
        services.TryAddSingleton<AcmeStorage>();
        services.AddSingleton<IReplicaStateContributor, AcmeReplicaState>();
        services.TryAddSingleton<AcmeMetrics>();
        services.TryAddSingleton<AcmeClient>();
        services.TryAddSingleton<AcmeIssuer>();
        services.TryAddSingleton<AcmePreflight>();
        services.TryAddSingleton<AcmeChallengeResponder>();
        services.TryAddSingleton<AcmeRenewalService>();
        services.AddHostedService(sp => sp.GetRequiredService<AcmeRenewalService>());
        services.AddHealthChecks().AddCheck<AcmeHealthCheck>("acme", tags: ["acme", Health.HealthEndpoints.ReadyTag]);
        return services;
    }
}
