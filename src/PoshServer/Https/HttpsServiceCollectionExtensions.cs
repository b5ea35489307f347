using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PoshServer.Https;

internal static class HttpsServiceCollectionExtensions
{
    /// <summary>Kestrel listeners, SNI certificate selection, certificate files with reload, HTTP → HTTPS redirect.</summary>
    public static IServiceCollection AddHttps(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<HttpsOptions>().ValidateDataAnnotations();
        services.AddSingleton<IConfigureOptions<HttpsOptions>, HttpsOptionsSetup>();
        services.TryAddSingleton<HttpsCertificateStore>();
        services.TryAddSingleton<HttpsCertificateFileService>();
        services.AddHostedService(sp => sp.GetRequiredService<HttpsCertificateFileService>());
        services.AddHealthChecks().AddCheck<HttpsCertificatesHealthCheck>("https", tags: [Health.HealthEndpoints.ReadyTag]);
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, KestrelHttpsSetup>();
        // Idle connections: counted on both listeners, and memory returned after many have closed (issue 13, item 7).
        services.TryAddSingleton<OpenConnectionCounter>();
        services.AddHostedService<IdleMemoryReclaimer>();

        // Socket transport settings (UnsafePreferInlineScheduling, WaitForDataBeforeAllocatingBuffer, IOQueueCount) from
        // "Kestrel:Sockets", so their effect can be measured and set per deployment (bench/README.md).
        services.AddOptions<SocketTransportOptions>().BindConfiguration("Kestrel:Sockets");
        // Peers' protocol abuse shows as one line per event per minute plus a summary, not a line per stream.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ILoggerProvider, PeerProtocolLogLimiter>();
        services.Configure<LoggerFilterOptions>(filters =>
        {
            foreach (var category in PeerProtocolLogLimiter.Categories)
            {
                filters.AddFilter(category, LogLevel.None);
                filters.AddFilter<PeerProtocolLogLimiter>(category, LogLevel.Warning);
            }
        });
        services.AddOptions<HttpsRedirectionOptions>().Configure<IOptions<HttpsOptions>>((redirect, https) =>
        {
            // 307 keeps the method and is temporary (RFC 7711 §10 wants only temporary redirects around POSH).
            redirect.RedirectStatusCode = StatusCodes.Status307TemporaryRedirect;
            redirect.HttpsPort = https.Value.PublicPort ?? (https.Value.Port == 0 ? null : https.Value.Port);
        });
        return services;
    }
}
