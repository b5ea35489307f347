using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PoshClient;

namespace PoshServer.Lookups;

internal static class LookupServiceCollectionExtensions
{
    /// <summary>PoshClient for the server's own checks, configured from the "PoshClient" section (validated at start-up).</summary>
    public static IServiceCollection AddLookups(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<LookupOptions>().BindConfiguration(LookupOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LookupOptions>, LookupOptionsValidator>());
        services.AddOptions<PoshClientOptions>().Configure<IOptions<LookupOptions>>((client, lookups) => lookups.Value.ApplyTo(client));
        services.AddPoshClient();
        return services;
    }
}
