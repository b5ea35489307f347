using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoshClient;
using PoshClient.Verification;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers POSH retrieval and verification.</summary>
public static class PoshClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PoshVerifier"/> (singleton), its named <see cref="HttpClient"/>
    /// (<see cref="PoshVerifier.HttpClientName"/>, built by <see cref="PoshVerifier.CreateHttpHandler"/>),
    /// <see cref="TimeProvider.System"/> unless one is registered, and <see cref="PoshClientOptions"/> validated at start-up.
    /// </summary>
    public static IServiceCollection AddPoshClient(this IServiceCollection services, Action<PoshClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PoshClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PoshClientOptions>, PoshClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(PoshVerifier.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => PoshVerifier.CreateHttpHandler(provider.GetRequiredService<IOptions<PoshClientOptions>>().Value))
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(provider => new PoshVerifier(
            provider.GetRequiredService<IHttpClientFactory>(),
            provider.GetRequiredService<IOptions<PoshClientOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PoshVerifier>>()));
        return services;
    }
}
