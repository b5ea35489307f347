using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PoshServer.Metrics;

namespace PoshServer.Telemetry;

internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>The PoshClient library's ActivitySource (verifications), named after the library.</summary>
    public const string PoshClientSourceName = "PoshClient";

    /// <summary>
    /// OpenTelemetry export over OTLP, for operators who push metrics and traces: the meters /metrics shows and the
    /// PoshServer and PoshClient activity sources. Off unless <c>OpenTelemetry:OtlpEndpoint</c> is set; options are
    /// validated at start (an invalid endpoint stops start-up, it never silently disables export).
    /// </summary>
    public static IServiceCollection AddPoshTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());

        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!TelemetryOptions.TryParseEndpoint(options.OtlpEndpoint, out var endpoint))
        {
            // Not configured (or invalid, which the validator reports at start): no SDK, no exporter, no cost.
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing => tracing.AddSource(PoshServerActivities.SourceName, PoshClientSourceName))
            .WithMetrics(metrics => metrics.AddMeter([.. PrometheusExporter.Meters]))
            .UseOtlpExporter(options.OtlpProtocol, endpoint);
        return services;
    }
}
