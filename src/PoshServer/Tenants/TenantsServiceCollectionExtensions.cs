using Microsoft.Extensions.DependencyInjection.Extensions;
using PoshServer.Certificates;
using PoshServer.Posh;

namespace PoshServer.Tenants;

internal static class TenantsServiceCollectionExtensions
{
    /// <summary>Tenant files → validated snapshot, hot reload on file change and SIGHUP.</summary>
    public static IServiceCollection AddTenants(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<TenantsOptions>().BindConfiguration(TenantsOptions.Section).ValidateDataAnnotations();
        services.AddOptionsWithValidateOnStart<PoshOptions>().BindConfiguration(PoshOptions.Section).ValidateDataAnnotations();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<PoshOptions>, PoshOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CertificateFileCache>();
        services.TryAddSingleton<RetainedCertificates>();
        services.TryAddSingleton<TenantFileSettler>();
        services.TryAddSingleton(sp => ReloadPacer.ForProcess(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<TenantCatalogBuilder>();
        services.TryAddSingleton<TenantParseCache>();
        services.TryAddSingleton<TenantStore>();
        services.TryAddSingleton<TenantAcmeDomains>();
        // One instance: serve's first load goes through it (TenantReloadService.LoadInitial) to watch before listing.
        services.TryAddSingleton<TenantReloadService>();
        services.AddHostedService(sp => sp.GetRequiredService<TenantReloadService>());
        return services;
    }
}
