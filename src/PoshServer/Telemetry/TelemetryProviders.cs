using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace PoshServer.Telemetry;

internal static class TelemetryProviders
{
    /// <summary>
    /// Builds the OpenTelemetry providers (when export is configured) before the first tenant load: the SDK would
    /// otherwise build them when the host starts, after that load, and its span would have no listener. Building
    /// them is what subscribes them; the host's start later finds the same singletons.
    /// </summary>
    public static void StartBeforeFirstLoad(IServiceProvider services)
    {
        _ = services.GetService<TracerProvider>();
        _ = services.GetService<MeterProvider>();
    }
}
