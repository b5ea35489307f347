using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoshClient;
using PoshClient.Dns;
using PoshClient.Verification;
using PoshClient.Xmpp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers POSH retrieval and verification.</summary>
public static class PoshClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PoshVerifier"/> (also as <see cref="IPoshVerifier"/>, which the validator uses: register your
    /// own first to supply POSH material from elsewhere), <see cref="PoshCertificateValidator"/> (for a TLS callback of your own, and
    /// inbound s2s with DANE), <see cref="XmppConnector"/> (SRV, STARTTLS or direct TLS; DANE, PKIX, then POSH) and the
    /// internal DNS resolver (the DO bit set; the AD bit believed from <see cref="PoshClientOptions.DnssecTrustedResolvers"/>
    /// and loopback resolvers), all singletons;
    /// the verifier's named <see cref="HttpClient"/> (<see cref="PoshVerifier.HttpClientName"/>, built by
    /// <see cref="PoshVerifier.CreateHttpHandler"/>, resolving through <see cref="PoshClientOptions.DnsServers"/> when set,
    /// without the factory's request logging handlers);
    /// <see cref="TimeProvider.System"/> unless one is registered; and <see cref="PoshClientOptions"/> validated at start-up.
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
        services.TryAddSingleton(provider =>
        {
            var clientOptions = provider.GetRequiredService<IOptions<PoshClientOptions>>().Value;
            var dns = DnsResolverOptionsFactory.Create(
                clientOptions.DnsServers, clientOptions.DnssecTrustedResolvers, clientOptions.TrustLoopbackDnssecResolvers,
                clientOptions.DnssecMode, clientOptions.DnssecTrustAnchors);
            return new DnsResolver(dns, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<DnsResolver>>());
        });
        services.AddHttpClient(PoshVerifier.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var options = provider.GetRequiredService<IOptions<PoshClientOptions>>().Value;
                var handler = PoshVerifier.CreateHttpHandler(options);
                if (options.DnsServers.Count > 0)
                {
                    // The whole lookup (web servers included) then resolves on the configured servers.
                    handler.ConnectCallback = provider.GetRequiredService<DnsResolver>().CreateHttpConnectCallback();
                }

                return handler;
            })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            // The factory's handlers log every request twice at Information and every failure twice with a stack
            // trace; the verifier reports each fetch in its result and its own log events instead (issue 14).
            .RemoveAllLoggers();
        services.TryAddSingleton(provider => new PoshVerifier(
            provider.GetRequiredService<IHttpClientFactory>(),
            provider.GetRequiredService<IOptions<PoshClientOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PoshVerifier>>()));
        services.TryAddSingleton<IPoshVerifier>(provider => provider.GetRequiredService<PoshVerifier>());
        services.TryAddSingleton(provider => new PoshCertificateValidator(
            provider.GetRequiredService<IPoshVerifier>(),
            new PoshCertificateValidatorOptions { ChainPolicy = provider.GetRequiredService<IOptions<PoshClientOptions>>().Value.XmppChainPolicy },
            provider.GetRequiredService<TimeProvider>(),
            new DnsResolverLookup(provider.GetRequiredService<DnsResolver>())));
        services.TryAddSingleton(provider => new XmppConnector(
            provider.GetRequiredService<DnsResolver>(),
            provider.GetRequiredService<PoshCertificateValidator>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<XmppConnector>>()));
        return services;
    }
}
